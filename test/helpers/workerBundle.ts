// Global set-up of the 'workers' project: bundles the Worker once, as `wrangler deploy`
// would (wrangler.toml, the pages' assets included), so each test server only starts
// workerd on it. Nothing is uploaded: --dry-run writes the bundle and stops.
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { buildWorkerAssets } from '../../scripts/build-worker-assets.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
export const WORKER_BUNDLE_DIR = join(ROOT, 'build', 'worker', 'dist');

/** Wrangler and Miniflare offline: no usage data, no download of request metadata. */
export const OFFLINE_ENV = { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };

export async function bundleWorker(): Promise<string> {
  await buildWorkerAssets();
  execFileSync(
    join(ROOT, 'node_modules', '.bin', 'wrangler'),
    ['deploy', '--dry-run', '--outdir', WORKER_BUNDLE_DIR],
    {
      cwd: ROOT,
      env: { ...process.env, ...OFFLINE_ENV, WRANGLER_LOG: 'error' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return join(WORKER_BUNDLE_DIR, 'worker.js');
}

export default async function setup() {
  await bundleWorker();
}

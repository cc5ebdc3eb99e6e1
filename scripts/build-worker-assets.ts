// The pages' assets for the Worker, which has no files to read them from: builds them
// (scripts/build-browser.ts), reads them as the Node runtime does, and writes
// build/worker/browserAssets.js, a module holding each one as base64url, which
// wrangler.toml aliases as `virtual:browser-assets`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBrowserAssets } from '../src/runtime/browserAssets.js';
import { BROWSER_ASSETS, buildBrowserAssets } from './build-browser.js';

export const WORKER_ASSETS_MODULE = join(BROWSER_ASSETS, '..', 'worker', 'browserAssets.js');

export async function buildWorkerAssets(): Promise<string> {
  await buildBrowserAssets();
  const assets = Object.fromEntries(
    Object.entries(loadBrowserAssets(BROWSER_ASSETS)).map(([name, { body, contentType }]) => [
      name,
      { base64: Buffer.from(body).toString('base64url'), contentType },
    ]),
  );
  mkdirSync(join(WORKER_ASSETS_MODULE, '..'), { recursive: true });
  writeFileSync(WORKER_ASSETS_MODULE, `export default ${JSON.stringify(assets)};\n`);
  return WORKER_ASSETS_MODULE;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(`Wrote ${await buildWorkerAssets()}`);
}

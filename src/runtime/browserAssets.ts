// The pages' static assets for the Node runtime: what scripts/build-browser.ts wrote into
// build/assets (npm install and npm start build it), read once at start-up, plus nothing
// else — the scripts bundle their libraries.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppDeps } from '../http/env.js';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The project's root from this file, whether run from src/ (tsx) or build/server/src/. */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export const BROWSER_ASSETS_DIR = join(projectRoot(), 'build', 'assets');

export function loadBrowserAssets(dir = BROWSER_ASSETS_DIR): AppDeps['assets'] {
  if (!existsSync(dir)) {
    throw new Error(`The page scripts are not built (${dir} is missing): run npm run build:browser`);
  }
  const assets: AppDeps['assets'] = {};
  for (const name of readdirSync(dir)) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (contentType) assets[name] = { body: new Uint8Array(readFileSync(join(dir, name))), contentType };
  }
  return assets;
}

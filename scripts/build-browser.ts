// Builds the pages' scripts: each top-level module in src/browser/ (but the shared
// common.ts; shared modules otherwise live in src/browser/lib/) is bundled with what it
// imports into build/assets/<name>.js, and src/browser/static/ (stylesheet, icon) is
// copied beside them. `npm install`
// (prepare), `npm start` and the test suites' global set-up run it; it takes well under a
// second. The sources are TypeScript, type-checked and linted with the rest of the code.
import { cpSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BROWSER_SOURCES = join(root, 'src', 'browser');
export const BROWSER_ASSETS = join(root, 'build', 'assets');
const SHARED_MODULES = new Set(['common.ts']);

export async function buildBrowserAssets(): Promise<string[]> {
  const entries = readdirSync(BROWSER_SOURCES).filter(
    (name) => name.endsWith('.ts') && !SHARED_MODULES.has(name),
  );
  await build({
    entryPoints: entries.map((name) => join(BROWSER_SOURCES, name)),
    outdir: BROWSER_ASSETS,
    bundle: true,
    format: 'iife',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  cpSync(join(BROWSER_SOURCES, 'static'), BROWSER_ASSETS, { recursive: true });
  return entries.map((name) => name.replace(/\.ts$/, '.js'));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildBrowserAssets();
  console.log(`Built ${built.join(', ')} and copied the static assets into build/assets`);
}

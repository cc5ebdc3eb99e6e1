// Builds the pages' scripts once before any suite starts a server (the servers serve
// build/assets, as npm start does).
import { buildBrowserAssets } from '../scripts/build-browser.js';

export default async function setup(): Promise<void> {
  await buildBrowserAssets();
}

// The audit log as a C2SP tiled transparency log (c2sp.org/tlog-tiles) under /log: the
// checkpoint, hash tiles and entry bundles, public and static; and where a configured
// witness hands back its cosignature of a checkpoint.
import { Hono } from 'hono';
import { parseTilePath } from '../../domain/audit/tiles.js';
import { NotFoundError, UnsupportedMediaTypeError } from '../../domain/errors.js';
import { acceptCosignatures, servedTile, signedCheckpoint } from '../../services/tlogTiles.js';
import type { AppEnv } from '../env.js';

/** Full tiles and bundles never change: a year, immutable. Partial ones give way to wider ones. */
const FULL_TILE_CACHE = 'public, max-age=31536000, immutable';
const PARTIAL_TILE_CACHE = 'public, max-age=60';

export function logRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/checkpoint', async (c) => {
    const note = await signedCheckpoint(c.get('deps').services);
    // Mutable: a few seconds at most, as tlog-tiles asks.
    c.header('cache-control', 'public, max-age=2');
    c.header('content-type', 'text/plain; charset=utf-8');
    return c.body(note);
  });

  app.get('/tile/*', async (c) => {
    const address = parseTilePath(c.req.path.slice(c.req.path.indexOf('/tile/') + '/tile/'.length));
    if (!address) throw new NotFoundError('Not a tile path: <L>/<N>[.p/<W>] or entries/<N>[.p/<W>]');
    const tile = await servedTile(c.get('deps').services, address);
    c.header('cache-control', tile.immutable ? FULL_TILE_CACHE : PARTIAL_TILE_CACHE);
    c.header('content-type', 'application/octet-stream');
    return c.body(tile.body as Uint8Array<ArrayBuffer>);
  });

  app.post('/cosignature', async (c) => {
    const type = c.req.header('content-type') ?? '';
    if (!type.startsWith('text/plain')) {
      throw new UnsupportedMediaTypeError('Send the cosigned checkpoint as text/plain');
    }
    const result = await acceptCosignatures(c.get('deps').services, await c.req.text());
    c.header('cache-control', 'no-store');
    return c.json(result);
  });

  return app;
}

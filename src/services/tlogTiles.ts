// The audit log's public read path as C2SP tlog-tiles: the checkpoint as a signed note
// (origin, integrated size, root; the log's Ed25519 signature, then the witnesses'
// cosignatures of that checkpoint), the hash tiles and the entry bundles. An entry of the
// log is the UTF-8 of the audit entry's chain hash (64 hex characters), the same leaf as
// the RFC 6962 proofs use, so a bundle shows that entries exist without showing what
// they say: the entries themselves stay behind their access rules.

import { hexToBytes } from 'viem';
import { KeyStoreError } from '../crypto/keyStore.js';
import {
  checkpointText,
  encodeVerifierKey,
  type NoteSigner,
  parseCheckpointText,
  parseNote,
  parseVerifierKey,
  SignedNoteError,
  type VerifierKey,
  verifyCosignature,
} from '../domain/audit/signedNote.js';
import { HASH_BYTES, TILE_WIDTH, type TileAddress } from '../domain/audit/tiles.js';
import { toHex, utf8 } from '../domain/encoding.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import {
  auditHashesBetween,
  cosignaturesOf,
  readTile,
  readTreeHead,
  saveCosignature,
} from '../store/repositories/auditTiles.js';
import type { ServiceContext } from './context.js';
import { integratedHead } from './logIntegrator.js';
import { storedTree } from './transparency.js';

function logSigner(ctx: ServiceContext): Promise<NoteSigner> {
  if (!ctx.keys.logSigner) throw new KeyStoreError('This runtime holds no log signing key');
  return ctx.keys.logSigner(ctx.config.transparencyLog.origin);
}

/** The log's public key as a note verifier key (`<origin>+<key ID>+<base64(0x01 ‖ key)>`). */
export async function logVerifierKey(ctx: ServiceContext): Promise<string> {
  const { verifierKey } = await logSigner(ctx);
  return encodeVerifierKey(verifierKey.name, verifierKey.type, verifierKey.publicKey);
}

function witnessKeys(ctx: ServiceContext): VerifierKey[] {
  return ctx.config.transparencyLog.witnesses.map(parseVerifierKey);
}

/** The checkpoint of the integrated log, signed, followed by the witnesses' cosignatures of it. */
export async function signedCheckpoint(ctx: ServiceContext): Promise<string> {
  const head = await integratedHead(ctx);
  const text = checkpointText({
    origin: ctx.config.transparencyLog.origin,
    treeSize: head.size,
    rootHash: hexToBytes(`0x${head.rootHash}`),
  });
  const signed = (await logSigner(ctx)).sign(text);
  const configured = new Set(witnessKeys(ctx).map((key) => key.name));
  const lines = (await cosignaturesOf(ctx.db, head.size))
    .filter((c) => c.rootHash === head.rootHash && configured.has(c.witness))
    .map((c) => `${c.line}\n`);
  return signed + lines.join('');
}

export interface ServedTile {
  body: Uint8Array;
  /** Full tiles and bundles never change; partial ones are replaced by wider ones. */
  immutable: boolean;
}

/**
 * A hash tile or an entry bundle of the integrated log; 404 beyond it. No integration
 * first: clients ask only for tiles of a checkpoint they were served, which is integrated.
 */
export async function servedTile(ctx: ServiceContext, address: TileAddress): Promise<ServedTile> {
  const head = await readTreeHead(ctx.db);
  const { level, index, width } = address;
  const span = level === 'entries' ? 1 : TILE_WIDTH ** level;
  const available = Math.floor(head.size / span) - index * TILE_WIDTH;
  if (available < width) throw new NotFoundError(`No tile ${level}/${index} of width ${width} yet`);
  const immutable = width === TILE_WIDTH;
  if (level === 'entries') {
    const hashes = await auditHashesBetween(ctx.db, index * TILE_WIDTH + 1, index * TILE_WIDTH + width);
    return { body: entryBundle(hashes), immutable };
  }
  const tile = await readTile(ctx.db, level, index);
  if (!tile || tile.width < width) throw new NotFoundError(`No tile ${level}/${index} of width ${width}`);
  return { body: tile.hashes.slice(0, width * HASH_BYTES), immutable };
}

/** Big-endian uint16 length-prefixed entries (each the 64-byte UTF-8 of a chain hash). */
function entryBundle(hashes: string[]): Uint8Array {
  const entries = hashes.map(utf8);
  const body = new Uint8Array(entries.reduce((n, e) => n + 2 + e.length, 0));
  let offset = 0;
  for (const entry of entries) {
    body[offset] = entry.length >> 8;
    body[offset + 1] = entry.length & 0xff;
    body.set(entry, offset + 2);
    offset += 2 + entry.length;
  }
  return body;
}

/** How far in the future a witness's clock may be (seconds) before its cosignature is refused. */
const CLOCK_SKEW_SECONDS = 300n;

/**
 * Takes a checkpoint of this log as a witness returns it, carrying the witness's
 * cosignature/v1 line(s): the checkpoint must be one this log produces (its origin, a
 * size it has integrated and the root at that size), and every line of a configured
 * witness must verify. Lines of other keys are ignored, as signed-note requires.
 */
export async function acceptCosignatures(
  ctx: ServiceContext,
  body: string,
): Promise<{ treeSize: number; witnesses: string[] }> {
  let checkpoint: ReturnType<typeof parseCheckpointText>;
  let note: ReturnType<typeof parseNote>;
  try {
    note = parseNote(body);
    checkpoint = parseCheckpointText(note.text);
  } catch (error) {
    throw new ValidationError(`Not a signed checkpoint: ${(error as Error).message}`);
  }
  const { origin } = ctx.config.transparencyLog;
  if (checkpoint.origin !== origin) throw new ValidationError(`The checkpoint is not of ${origin}`);
  if (note.text !== checkpointText(checkpoint)) {
    throw new ValidationError('The checkpoint has extension lines this log never writes');
  }
  const head = await readTreeHead(ctx.db);
  if (checkpoint.treeSize > head.size) {
    throw new ValidationError(`The log has not reached size ${checkpoint.treeSize}`);
  }
  const root = await storedTree(ctx.db, head.size).root(checkpoint.treeSize);
  if (!sameBytes(root, checkpoint.rootHash)) {
    throw new ValidationError(`The root hash is not this log's at size ${checkpoint.treeSize}`);
  }
  const latest = BigInt(Math.floor(ctx.clock.now().getTime() / 1000)) + CLOCK_SKEW_SECONDS;
  const accepted: string[] = [];
  const receivedAt = ctx.clock.now().toISOString();
  for (const key of witnessKeys(ctx)) {
    let cosignature: ReturnType<typeof verifyCosignature>;
    try {
      cosignature = verifyCosignature(note, key, latest);
    } catch (error) {
      if (error instanceof SignedNoteError) throw new ValidationError(error.message);
      throw error;
    }
    if (!cosignature) continue;
    await saveCosignature(
      ctx.db,
      {
        treeSize: checkpoint.treeSize,
        witness: key.name,
        rootHash: toHex(root),
        signedAt: Number(cosignature.timestamp),
        line: cosignature.line,
      },
      receivedAt,
    );
    accepted.push(key.name);
  }
  if (accepted.length === 0)
    throw new ValidationError('The note carries no cosignature of a configured witness');
  return { treeSize: checkpoint.treeSize, witnesses: accepted };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

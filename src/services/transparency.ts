// The audit log as a transparency log (Certificate Transparency style, RFC 6962 hashing):
// leaf i is audit entry seq i+1 (its chain hash); signed checkpoints commit to the tree's
// size and root; inclusion proofs show an entry is in a checkpointed tree, consistency
// proofs that a later tree extends an earlier one. Anyone holding two checkpoints can
// check that history was only appended to.
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import type { Kysely } from 'kysely';
import { hexToBytes } from 'viem';
import {
  type AuditEntry,
  auditEntryHash,
  type ChainBreak,
  findChainBreak,
} from '../domain/audit/auditChain.js';
import { leafHash, MerkleTree } from '../domain/audit/merkle.js';
import { TILE_WIDTH, TileBuilder, TiledTree } from '../domain/audit/tiles.js';
import { toHex } from '../domain/encoding.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.js';
import type { AuditCheckpointRow, Database } from '../store/database.js';
import { auditEntryFromRow, listAudit } from '../store/repositories/auditLog.js';
import { auditRowsAbout, readTile, readTiles, readTreeHead } from '../store/repositories/auditTiles.js';
import type { ServiceContext } from './context.js';
import { citizenView } from './disclosure.js';
import { integrate, integratedHead, subjectHash } from './logIntegrator.js';

export const CHECKPOINT_TYP = 'audit-checkpoint+jwt';

/** The tree of the first `size` entries, read from the stored tiles (size ≤ the integrated size). */
export function storedTree(db: Kysely<Database>, size: number): TiledTree {
  return new TiledTree(async (level, index, width) => {
    const tile = await readTile(db, level, index);
    return tile && tile.width >= width ? tile.hashes : undefined;
  }, size);
}

/** The stored tree covering at least `size` entries, integrating them first if needed. */
async function treeCovering(ctx: ServiceContext, size: number): Promise<TiledTree> {
  let head = await readTreeHead(ctx.db);
  if (head.size < size) head = (await integrate(ctx, { upTo: size })).head;
  if (head.size < size) throw new NotFoundError(`The audit log has fewer than ${size} entries`);
  return storedTree(ctx.db, head.size);
}

export interface Checkpoint {
  treeSize: number;
  rootHash: string;
  issuedAt: string;
  /** Compact JWS (typ audit-checkpoint+jwt) over {iss, tree_size, root_hash, iat}, signed with the service's key. */
  token: string;
}

function toCheckpoint(row: AuditCheckpointRow): Checkpoint {
  return {
    treeSize: Number(row.tree_size),
    rootHash: row.root_hash,
    issuedAt: row.issued_at,
    token: row.token,
  };
}

/** The checkpoint of the log as it is now, signed and stored the first time it is asked for. */
export async function currentCheckpoint(ctx: ServiceContext): Promise<Checkpoint> {
  const head = await integratedHead(ctx);
  const size = head.size;
  const stored = await ctx.db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .where('tree_size', '=', size)
    .executeTakeFirst();
  if (stored) return toCheckpoint(stored);
  const root = head.rootHash;
  const now = ctx.clock.now();
  const { token } = await ctx.keys.signJwt(CHECKPOINT_TYP, {
    iss: ctx.config.publicUrl,
    tree_size: size,
    root_hash: root,
    iat: Math.floor(now.getTime() / 1000),
  });
  const row: AuditCheckpointRow = { tree_size: size, root_hash: root, issued_at: now.toISOString(), token };
  // Two instances may sign the same size at once: the first stored one stands.
  await ctx.db
    .insertInto('audit_checkpoints')
    .values(row)
    .onConflict((oc) => oc.column('tree_size').doNothing())
    .execute();
  const winner = await ctx.db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .where('tree_size', '=', size)
    .executeTakeFirstOrThrow();
  return toCheckpoint(winner);
}

function positiveInteger(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^[1-9]\d{0,15}$/.test(raw)) {
    throw new ValidationError(`${name} must be a positive integer`, { errors: [{ pointer: `/${name}` }] });
  }
  return Number(raw);
}

/** Who may see a proof for an entry: regulators for all, a citizen for entries about them. */
export type ProofReader = { kind: 'regulator' } | { kind: 'citizen'; identityId: string };

export function entryConcerns(entry: AuditEntry, identityId: string): boolean {
  return (
    entry.actorId === identityId ||
    entry.subjectId === identityId ||
    entry.details.identityId === identityId ||
    entry.details.claimantIdentityId === identityId ||
    (Array.isArray(entry.details.identityIds) && entry.details.identityIds.includes(identityId))
  );
}

export async function inclusion(
  ctx: ServiceContext,
  reader: ProofReader,
  rawSeq: string,
  rawTreeSize?: string,
) {
  const seq = positiveInteger(rawSeq, 'seq')!;
  const [row] = await listAudit(ctx.db, { afterSeq: seq - 1, limit: 1 });
  if (!row || row.seq !== seq) throw new NotFoundError(`No audit entry ${seq}`);
  let entry: AuditEntry & { redacted?: string[] } = row;
  if (reader.kind === 'citizen') {
    // An entry withheld from the citizen is refused exactly like one about someone else.
    const [shown] = entryConcerns(row, reader.identityId) ? (await citizenView(ctx, [row])).entries : [];
    if (!shown) throw new ForbiddenError('Citizens may fetch proofs only for entries about themselves');
    entry = shown;
  }
  const size = positiveInteger(rawTreeSize, 'treeSize') ?? (await currentCheckpoint(ctx)).treeSize;
  if (size < seq) throw new ValidationError(`treeSize ${size} does not contain entry ${seq}`);
  const tree = await treeCovering(ctx, size);
  return {
    entry,
    leafIndex: seq - 1,
    leafHash: await leafHash(row.hash),
    treeSize: size,
    rootHash: toHex(await tree.root(size)),
    proof: (await tree.inclusion(seq - 1, size)).map(toHex),
  };
}

function treeSizeParameter(raw: string | undefined, name: string): number | undefined {
  if (raw === '0') return 0;
  return positiveInteger(raw, name);
}

/**
 * Proof that tree `second` extends tree `first`. From the empty tree (first = 0, the size
 * of the checkpoint of an empty log) every tree is consistent: the proof is empty.
 */
export async function consistency(ctx: ServiceContext, rawFirst?: string, rawSecond?: string) {
  const first = treeSizeParameter(rawFirst, 'first');
  if (first === undefined)
    throw new ValidationError('first is required', { errors: [{ pointer: '/first' }] });
  const second = treeSizeParameter(rawSecond, 'second') ?? (await currentCheckpoint(ctx)).treeSize;
  if (first > second) throw new ValidationError('first must not exceed second');
  const tree = await treeCovering(ctx, second);
  return {
    first,
    second,
    firstRoot: toHex(await tree.root(first)),
    secondRoot: toHex(await tree.root(second)),
    proof: (await tree.consistency(first, second)).map(toHex),
  };
}

/**
 * The entries about an identity, through the subject index (an index range, not a scan).
 * Entries are integrated first, so the citizen sees what was committed before asking; the
 * check after the read guards against a collision of the keyed hash, however unlikely.
 */
export async function entriesAbout(ctx: ServiceContext, identityId: string): Promise<AuditEntry[]> {
  const head = await integratedHead(ctx);
  const rows = await auditRowsAbout(ctx.db, await subjectHash(ctx, identityId), head.size);
  return rows.map(auditEntryFromRow).filter((entry) => entryConcerns(entry, identityId));
}

export interface TilesVerification {
  treeSize: number;
  ok: boolean;
  problem?: string;
}

export interface AuditVerification {
  entries: number;
  chainBreak?: ChainBreak;
  checkpoints: { treeSize: number; ok: boolean; problem?: string }[];
  /** The tiles of the integrated size, rebuilt from the entries and compared. */
  tiles: TilesVerification;
  /** The issuers the signed checkpoints name (one, unless the service's URL changed). */
  issuers: string[];
}

/**
 * Recomputes the chain and the tree from the rows and checks every stored checkpoint:
 * its signature, that the log still has that many entries, and that the root matches.
 * Any edit, deletion, reordering or truncation shows up with its position. The issuer is
 * what each signed checkpoint names (its signature covers it); pass `issuer` to require a
 * particular one as well.
 */
export async function verifyAuditLog(
  db: Kysely<Database>,
  jwks: JSONWebKeySet,
  issuer?: string,
): Promise<AuditVerification> {
  const entries = await listAudit(db);
  const chainBreak = await findChainBreak(entries);
  // Leaves from each entry's recomputed hash, not the stored column: an edit that left the
  // hash column alone changes the tree as well as breaking the chain.
  const leaves = await Promise.all(
    entries.map(async ({ hash: _stored, ...content }) => leafHash(await auditEntryHash(content))),
  );
  const tree = new MerkleTree(leaves);
  const keys = createLocalJWKSet(jwks);
  const checkpoints: AuditVerification['checkpoints'] = [];
  const issuers = new Set<string>();
  for (const row of await db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .orderBy('tree_size', 'asc')
    .execute()) {
    const size = Number(row.tree_size);
    let problem: string | undefined;
    try {
      const { payload } = await jwtVerify(row.token, keys, {
        typ: CHECKPOINT_TYP,
        ...(issuer !== undefined ? { issuer } : {}),
      });
      if (typeof payload.iss !== 'string') problem = 'the signed checkpoint names no issuer';
      else issuers.add(payload.iss);
      if (payload.tree_size !== size || payload.root_hash !== row.root_hash)
        problem = 'the stored columns differ from the signed checkpoint';
    } catch (error) {
      problem = `signature does not verify (${error instanceof Error ? error.message : 'unknown'})`;
    }
    if (!problem && size > entries.length) {
      problem = `the checkpoint covers ${size} entries but the log has ${entries.length}: entries after ${entries.length} were removed`;
    }
    if (!problem && size > 0 && entries[size - 1]?.seq !== size)
      problem = `entry ${size} is missing or out of place`;
    if (!problem && (await tree.root(size)) !== row.root_hash) {
      problem = `the log's first ${size} entries no longer hash to the signed root: an entry at or before ${size} was changed, removed or reordered`;
    }
    checkpoints.push({ treeSize: size, ok: problem === undefined, ...(problem ? { problem } : {}) });
  }
  return {
    entries: entries.length,
    ...(chainBreak ? { chainBreak } : {}),
    checkpoints,
    tiles: await verifyTiles(db, leaves),
    issuers: [...issuers],
  };
}

/** Tiles compared per read while rebuilding them. */
const TILES_PER_READ = 64;

/**
 * Rebuilds every stored tile from the recomputed leaf hashes and compares them, a few
 * dozen tiles at a time, then checks that the tiles give the integrated root. An edited,
 * missing or forged tile is reported by its address.
 */
async function verifyTiles(db: Kysely<Database>, leaves: readonly string[]): Promise<TilesVerification> {
  const head = await readTreeHead(db);
  const result = (problem?: string): TilesVerification => ({
    treeSize: head.size,
    ok: problem === undefined,
    ...(problem ? { problem } : {}),
  });
  if (head.size > leaves.length) {
    return result(`the tiles cover ${head.size} entries but the log has ${leaves.length}`);
  }
  const builder = new TileBuilder(0, new Map());
  for (let i = 0; i < head.size; i++) {
    builder.append(hexToBytes(`0x${leaves[i]}`));
    const last = i + 1 === head.size;
    if (!last && (i + 1) % (TILE_WIDTH * TILES_PER_READ) !== 0) continue;
    const built = last ? builder.tiles() : builder.drain();
    const stored = new Map((await readTiles(db, built)).map((tile) => [`${tile.level}/${tile.index}`, tile]));
    for (const tile of built) {
      const found = stored.get(`${tile.level}/${tile.index}`);
      const bytes = found?.hashes.subarray(0, tile.hashes.length);
      if (!bytes || bytes.length !== tile.hashes.length || !bytes.every((b, j) => b === tile.hashes[j])) {
        return result(`tile ${tile.level}/${tile.index} is not what the entries hash to`);
      }
    }
  }
  if (toHex(await storedTree(db, head.size).root()) !== head.rootHash) {
    return result('the stored root of the integrated size is not the tiles’ root');
  }
  return result();
}

// The audit log's tiles, its integrated size, its index of entries by subject and the
// witnesses' cosignatures (migration 0013). Every read is a primary-key lookup or range;
// the integrator's write is one transaction of its own, never the audit append's.
import { type Kysely, sql } from 'kysely';
import type { AuditRow, Database } from '../database.js';

export interface TreeHead {
  size: number;
  rootHash: string;
  integratedAt: string;
}

export async function readTreeHead(db: Kysely<Database>): Promise<TreeHead> {
  const row = await db.selectFrom('audit_tree').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  return { size: Number(row.size), rootHash: row.root_hash, integratedAt: row.integrated_at };
}

/** The highest sequence number appended (committed), 0 for an empty log. */
export async function lastAuditSeq(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select('seq')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}

export interface StoredTile {
  level: number;
  index: number;
  width: number;
  hashes: Uint8Array;
}

export async function readTile(
  db: Kysely<Database>,
  level: number,
  index: number,
): Promise<StoredTile | undefined> {
  const row = await db
    .selectFrom('audit_tiles')
    .selectAll()
    .where('level', '=', level)
    .where('tile_index', '=', index)
    .executeTakeFirst();
  return row && { level, index, width: Number(row.width), hashes: new Uint8Array(row.hashes) };
}

/** Several tiles in one query (the right edge of a tree: one per level). */
export async function readTiles(
  db: Kysely<Database>,
  addresses: readonly { level: number; index: number }[],
): Promise<StoredTile[]> {
  if (addresses.length === 0) return [];
  const rows = await db
    .selectFrom('audit_tiles')
    .selectAll()
    .where((eb) =>
      eb.or(addresses.map((a) => eb.and([eb('level', '=', a.level), eb('tile_index', '=', a.index)]))),
    )
    .execute();
  return rows.map((row) => ({
    level: Number(row.level),
    index: Number(row.tile_index),
    width: Number(row.width),
    hashes: new Uint8Array(row.hashes),
  }));
}

/** Entries after `afterSeq` in order, at most `limit`: the integrator's next batch. */
export function auditRowsAfter(db: Kysely<Database>, afterSeq: number, limit: number): Promise<AuditRow[]> {
  return db
    .selectFrom('audit_log')
    .selectAll()
    .where('seq', '>', afterSeq)
    .orderBy('seq', 'asc')
    .limit(limit)
    .execute();
}

/** The chain hashes of entries first…last (inclusive), in order: an entry bundle's entries. */
export async function auditHashesBetween(
  db: Kysely<Database>,
  first: number,
  last: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .where('seq', '>=', first)
    .where('seq', '<=', last)
    .orderBy('seq', 'asc')
    .execute();
  return rows.map((row) => row.hash);
}

/** The entries indexed under a subject hash, in order, at or below `maxSeq`. */
export function auditRowsAbout(
  db: Kysely<Database>,
  subjectHash: string,
  maxSeq: number,
): Promise<AuditRow[]> {
  return db
    .selectFrom('audit_subjects')
    .innerJoin('audit_log', 'audit_log.seq', 'audit_subjects.seq')
    .selectAll('audit_log')
    .where('audit_subjects.subject_hash', '=', subjectHash)
    .where('audit_subjects.seq', '<=', maxSeq)
    .orderBy('audit_subjects.seq', 'asc')
    .execute();
}

export interface Integration {
  fromSize: number;
  toSize: number;
  rootHash: string;
  at: string;
  tiles: StoredTile[];
  subjects: { subjectHash: string; seq: number }[];
}

/** Rows per multi-row insert: well under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 500;

/**
 * Moves the integrated size from `fromSize` to `toSize` with the tiles and index rows of
 * the entries in between, in one transaction. The size moves first and only from
 * `fromSize`: another instance integrating the same entries waits on that row (PostgreSQL)
 * or finds it moved, and this call answers false with nothing written.
 */
export function writeIntegration(db: Kysely<Database>, integration: Integration): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const moved = await trx
      .updateTable('audit_tree')
      .set({ size: integration.toSize, root_hash: integration.rootHash, integrated_at: integration.at })
      .where('id', '=', 1)
      .where('size', '=', integration.fromSize)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) return false;
    for (let i = 0; i < integration.tiles.length; i += CHUNK) {
      await trx
        .insertInto('audit_tiles')
        .values(
          integration.tiles.slice(i, i + CHUNK).map((tile) => ({
            level: tile.level,
            tile_index: tile.index,
            width: tile.width,
            hashes: tile.hashes,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['level', 'tile_index']).doUpdateSet({
            width: sql`excluded.width`,
            hashes: sql`excluded.hashes`,
          }),
        )
        .execute();
    }
    for (let i = 0; i < integration.subjects.length; i += CHUNK) {
      await trx
        .insertInto('audit_subjects')
        .values(
          integration.subjects
            .slice(i, i + CHUNK)
            .map(({ subjectHash, seq }) => ({ subject_hash: subjectHash, seq })),
        )
        .onConflict((oc) => oc.columns(['subject_hash', 'seq']).doNothing())
        .execute();
    }
    return true;
  });
}

export interface StoredCosignature {
  treeSize: number;
  witness: string;
  rootHash: string;
  signedAt: number;
  line: string;
}

/** Keeps a witness's newest cosignature of a size (a witness may cosign the same size again). */
export async function saveCosignature(
  db: Kysely<Database>,
  cosignature: StoredCosignature,
  receivedAt: string,
): Promise<void> {
  await db
    .insertInto('audit_cosignatures')
    .values({
      tree_size: cosignature.treeSize,
      witness: cosignature.witness,
      root_hash: cosignature.rootHash,
      signed_at: cosignature.signedAt,
      line: cosignature.line,
      received_at: receivedAt,
    })
    .onConflict((oc) =>
      oc
        .columns(['tree_size', 'witness'])
        .doUpdateSet({
          signed_at: sql`excluded.signed_at`,
          line: sql`excluded.line`,
          received_at: sql`excluded.received_at`,
        })
        .where('audit_cosignatures.signed_at', '<', sql<number>`excluded.signed_at`),
    )
    .execute();
}

export async function cosignaturesOf(db: Kysely<Database>, treeSize: number): Promise<StoredCosignature[]> {
  const rows = await db
    .selectFrom('audit_cosignatures')
    .selectAll()
    .where('tree_size', '=', treeSize)
    .orderBy('witness', 'asc')
    .execute();
  return rows.map((row) => ({
    treeSize: Number(row.tree_size),
    witness: row.witness,
    rootHash: row.root_hash,
    signedAt: Number(row.signed_at),
    line: row.line,
  }));
}

/** The largest size a witness has cosigned (0 if none): the old size of its next add-checkpoint. */
export async function lastCosignedSize(db: Kysely<Database>, witness: string): Promise<number> {
  const row = await db
    .selectFrom('audit_cosignatures')
    .select('tree_size')
    .where('witness', '=', witness)
    .orderBy('tree_size', 'desc')
    .limit(1)
    .executeTakeFirst();
  return Number(row?.tree_size ?? 0);
}

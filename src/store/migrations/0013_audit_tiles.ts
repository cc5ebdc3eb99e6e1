import { type Kysely, PostgresAdapter, sql } from 'kysely';

// The audit log's read path as C2SP tlog-tiles, written after commit by the integrator
// (services/logIntegrator.ts), never by the append:
// - audit_tree: how many entries the tiles cover (one row), the root at that size;
// - audit_tiles: the tree's hash tiles, 32 bytes per hash, full tiles (256 hashes) and
//   the rightmost partial tile of each level, widened in place as the log grows;
// - audit_subjects: which entries are about an identity, by a keyed hash of its ID, so
//   "the entries about a person" is an index range, not a scan of the log;
// - audit_cosignatures: witnesses' cosignature/v1 lines on the checkpoint of a size.
const EMPTY_ROOT = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export async function up(db: Kysely<unknown>): Promise<void> {
  const bytes = db.getExecutor().adapter instanceof PostgresAdapter ? sql`bytea` : sql`blob`;
  await db.schema
    .createTable('audit_tree')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('root_hash', 'text', (c) => c.notNull())
    .addColumn('integrated_at', 'text', (c) => c.notNull())
    .execute();
  // The empty tree: its root is SHA-256 of nothing.
  await sql`insert into audit_tree (id, size, root_hash, integrated_at) values (1, 0, ${EMPTY_ROOT}, ${new Date(0).toISOString()})`.execute(
    db,
  );
  await db.schema
    .createTable('audit_tiles')
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('tile_index', 'integer', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('hashes', bytes, (c) => c.notNull())
    .addPrimaryKeyConstraint('audit_tiles_pk', ['level', 'tile_index'])
    .execute();
  await db.schema
    .createTable('audit_subjects')
    .addColumn('subject_hash', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('audit_subjects_pk', ['subject_hash', 'seq'])
    .execute();
  await db.schema
    .createTable('audit_cosignatures')
    .addColumn('tree_size', 'integer', (c) => c.notNull())
    .addColumn('witness', 'text', (c) => c.notNull())
    .addColumn('root_hash', 'text', (c) => c.notNull())
    .addColumn('signed_at', 'bigint', (c) => c.notNull())
    // The whole signature line, as served after the checkpoint.
    .addColumn('line', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('audit_cosignatures_pk', ['tree_size', 'witness'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['audit_cosignatures', 'audit_subjects', 'audit_tiles', 'audit_tree']) {
    await db.schema.dropTable(table).execute();
  }
}

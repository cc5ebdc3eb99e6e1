import type { Kysely } from 'kysely';

// Attestations of bindings and the status lists that carry their revocation state.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('status_lists')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('bits', 'integer', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    // Indices are handed out in order and never reused.
    .addColumn('next_index', 'integer', (c) => c.notNull())
    // Bumped with every status change; the published token is current when it matches.
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('published_version', 'integer', (c) => c.notNull())
    .addColumn('published_token', 'text')
    .addColumn('published_at', 'text')
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('attestations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('binding_id', 'text', (c) => c.notNull().references('bindings.id'))
    .addColumn('kid', 'text', (c) => c.notNull())
    .addColumn('status_list_id', 'text', (c) => c.notNull().references('status_lists.id'))
    .addColumn('status_list_index', 'integer', (c) => c.notNull())
    // valid | invalid | suspended: the value its status-list entry carries.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('jwt', 'text', (c) => c.notNull())
    .addColumn('eip712', 'text', (c) => c.notNull())
    .addUniqueConstraint('attestations_status_entry', ['status_list_id', 'status_list_index'])
    .execute();
  await db.schema
    .createIndex('attestations_binding')
    .on('attestations')
    .columns(['binding_id', 'issued_at'])
    .execute();
  await db.schema
    .createIndex('attestations_kid_expiry')
    .on('attestations')
    .columns(['kid', 'expires_at'])
    .execute();
  await db.schema
    .createIndex('attestations_list_status')
    .on('attestations')
    .columns(['status_list_id', 'status'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('attestations').execute();
  await db.schema.dropTable('status_lists').execute();
}

// The Durable Object dialect against a stand-in for ctx.storage that speaks its API over
// better-sqlite3 and enforces what the real storage does: no BEGIN or SAVEPOINT, at most
// 100 bound parameters, transactions only through transaction(closure).
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  type DurableObjectSqlStorage,
  MAX_BOUND_PARAMETERS,
  openDurableObjectDatabase,
} from './durableObjectSqlite.js';
import { migrateToLatest } from './migrate.js';

function storageStandIn(): DurableObjectSqlStorage & { statements: string[] } {
  const sqlite = new SQLite(':memory:');
  const statements: string[] = [];
  return {
    statements,
    sql: {
      exec(query, ...bindings) {
        if (/^\s*(begin|savepoint|commit|rollback|release)\b/i.test(query)) {
          throw new Error('To execute a transaction, please use the state.storage.transaction() API');
        }
        if (bindings.length > MAX_BOUND_PARAMETERS) throw new Error('too many SQL variables: SQLITE_ERROR');
        statements.push(query);
        const statement = sqlite.prepare(query);
        const values = bindings.map((value) => (value instanceof ArrayBuffer ? Buffer.from(value) : value));
        const rows = statement.reader ? (statement.all(...values) as Record<string, unknown>[]) : [];
        if (!statement.reader) statement.run(...values);
        return { toArray: () => rows };
      },
    },
    async transaction(closure) {
      sqlite.exec('begin');
      try {
        const result = await closure();
        sqlite.exec('commit');
        return result;
      } catch (error) {
        sqlite.exec('rollback');
        throw error;
      }
    },
  };
}

describe('Kysely over Durable Object storage', () => {
  it('migrates, commits a transaction that awaits between statements, and rolls one back', async () => {
    const db = openDurableObjectDatabase(storageStandIn());
    await migrateToLatest(db);
    const insert = (id: string) => db.insertInto('readiness_probe').values({ id, padding: 'x' }).execute();
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('readiness_probe').values({ id: 'kept', padding: 'x' }).execute();
      await crypto.subtle.digest('SHA-256', new Uint8Array(8));
      // Read its own write.
      expect(await trx.selectFrom('readiness_probe').select('id').execute()).toEqual([{ id: 'kept' }]);
    });
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('readiness_probe').values({ id: 'dropped', padding: 'x' }).execute();
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await insert('after');
    const ids = (await db.selectFrom('readiness_probe').select('id').orderBy('id').execute()).map(
      (r) => r.id,
    );
    expect(ids).toEqual(['after', 'kept']);
  });

  it('keeps other queries out while a transaction is open', async () => {
    const db = openDurableObjectDatabase(storageStandIn());
    await migrateToLatest(db);
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const transaction = db.transaction().execute(async (trx) => {
      await trx.insertInto('readiness_probe').values({ id: 'uncommitted', padding: 'x' }).execute();
      await held;
    });
    let seen: unknown;
    const outside = db
      .selectFrom('readiness_probe')
      .selectAll()
      .execute()
      .then((rows) => {
        seen = rows.length;
      });
    await new Promise((next) => setTimeout(next, 20));
    expect(seen).toBeUndefined();
    release();
    await Promise.all([transaction, outside]);
    expect(seen).toBe(1);
  });

  it('binds a long in-list as one JSON array and splits a large insert, within 100 parameters', async () => {
    const storage = storageStandIn();
    const db = openDurableObjectDatabase(storage);
    await migrateToLatest(db);
    const rows = Array.from({ length: 500 }, (_, i) => ({ id: `p${i}`, padding: 'x' }));
    const inserted = await db.insertInto('readiness_probe').values(rows).executeTakeFirst();
    expect(inserted.numInsertedOrUpdatedRows).toBe(500n);
    const ids = rows.filter((_, i) => i % 2 === 0).map((row) => row.id);
    const found = await db.selectFrom('readiness_probe').select('id').where('id', 'in', ids).execute();
    expect(found).toHaveLength(250);
    const deleted = await db.deleteFrom('readiness_probe').where('id', 'not in', ids).executeTakeFirst();
    expect(deleted.numDeletedRows).toBe(250n);
    expect(storage.statements.some((statement) => statement.includes('json_each'))).toBe(true);
    const { rows: count } = await sql<{ n: number }>`select count(*) as n from readiness_probe`.execute(db);
    expect(count[0]!.n).toBe(250);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openSqlite, withStatementCache } from './sqlite.js';

describe('withStatementCache', () => {
  it('prepares each SQL text once and keeps answering correctly', () => {
    const sqlite = new SQLite(':memory:');
    let prepared = 0;
    const counting = Object.create(sqlite) as SQLite.Database;
    counting.prepare = ((sql: string) => {
      prepared++;
      return sqlite.prepare(sql);
    }) as SQLite.Database['prepare'];
    const db = withStatementCache(counting, 2);
    db.prepare('create table t (id integer primary key, v text)').run([]);
    db.prepare('insert into t (v) values (?)').run(['a']);
    db.prepare('insert into t (v) values (?)').run(['b']);
    const select = 'select v from t where id = ?';
    expect(db.prepare(select).all([1])).toEqual([{ v: 'a' }]);
    expect(db.prepare(select).all([2])).toEqual([{ v: 'b' }]);
    expect(prepared).toBe(3);
    // A third distinct text evicts the least recently used (the insert), not the select.
    db.prepare('select count(*) as n from t').all([]);
    db.prepare(select).all([1]);
    expect(prepared).toBe(4);
    db.prepare('insert into t (v) values (?)').run(['c']);
    expect(prepared).toBe(5);
    expect(db.prepare(select).all([3])).toEqual([{ v: 'c' }]);
    db.close();
  });
});

describe('transactions on an SQLite file with a second connection', () => {
  it('take the write lock at begin, so a commit by the other connection cannot fail them midway', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqlite-begin-'));
    const file = join(dir, 'db.sqlite');
    const db = openSqlite(file);
    const other = new SQLite(file, { timeout: 0 });
    try {
      await sql`create table t (v text)`.execute(db);
      await db.transaction().execute(async (trx) => {
        await sql`select count(*) from t`.execute(trx);
        // With a deferred begin this write by the other connection would succeed, and this
        // transaction's own write below would then fail with SQLITE_BUSY_SNAPSHOT.
        expect(() => other.prepare("insert into t (v) values ('other')").run()).toThrow(/locked|busy/i);
        await sql`insert into t (v) values ('mine')`.execute(trx);
      });
      expect(other.prepare('select v from t').all()).toEqual([{ v: 'mine' }]);
    } finally {
      other.close();
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

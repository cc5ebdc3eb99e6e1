import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from './sqlite.js';

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

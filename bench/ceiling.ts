// The ceiling: the least work a lookup can be. A plain Hono app on @hono/node-server
// with the service's server settings (`serve({ fetch, port })`, nothing else), one
// prepared primary-key SELECT in a 1M-row better-sqlite3 table, ~600 bytes of JSON.
// `/hello` is the bare hello-world for reference.
//   node --import tsx bench/ceiling.ts --db <file> --port <port> [--rows 1000000]
// The table is built on first use (into a temporary file renamed when complete).
import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { Hono } from 'hono';

const { values } = parseArgs({
  options: { db: { type: 'string' }, port: { type: 'string' }, rows: { type: 'string', default: '1000000' } },
});
const file = values.db!;
const rows = Number(values.rows);

interface Row {
  id: number;
  account: string;
  status: string;
  level: string;
  method: string;
  issued_at: string;
  expires_at: string;
  holder: string;
  jwt: string;
  list_id: string;
  list_idx: number;
}

function build(): void {
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  const db = new Database(partial);
  db.pragma('journal_mode = WAL');
  db.exec(`create table lookups (
    id integer primary key, account text not null, status text not null, level text not null,
    method text not null, issued_at text not null, expires_at text not null, holder text not null,
    jwt text not null, list_id text not null, list_idx integer not null)`);
  const insert = db.prepare(
    'insert into lookups values (@id, @account, @status, @level, @method, @issued_at, @expires_at, @holder, @jwt, @list_id, @list_idx)',
  );
  const started = Date.now();
  const chunk = 50_000;
  const many = db.transaction((from: number, to: number) => {
    for (let id = from; id < to; id++) {
      insert.run({
        id,
        account: `eip155:1:0x${randomBytes(20).toString('hex')}`,
        status: 'active',
        level: 'substantial',
        method: 'eip191',
        issued_at: '2026-01-01T00:00:00.000Z',
        expires_at: '2027-01-01T00:00:00.000Z',
        holder: randomBytes(32).toString('hex'),
        jwt: randomBytes(180).toString('base64url'),
        list_id: 'c0ffee00-0000-4000-8000-000000000001',
        list_idx: id % 131072,
      } satisfies Row);
    }
  });
  for (let from = 0; from < rows; from += chunk) many(from, Math.min(rows, from + chunk));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  renameSync(partial, file);
  console.error(`ceiling table: ${rows} rows in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (!existsSync(file)) build();
const db = new Database(file, { readonly: true });
const lookup = db.prepare<[number], Row>('select * from lookups where id = ?');

const app = new Hono();
app.get('/hello', (c) => c.text('Hello, World!'));
app.get('/lookup/:id', (c) => {
  const row = lookup.get(Number(c.req.param('id')));
  if (!row) return c.json({ status: 'none' });
  return c.json({
    account: row.account,
    status: row.status,
    country: 'KZ',
    level: row.level,
    method: row.method,
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
    holder: row.holder,
    attestation: { jwt: row.jwt, statusList: { uri: `/v1/status-lists/${row.list_id}`, idx: row.list_idx } },
  });
});

serve({ fetch: app.fetch, port: Number(values.port) }, () => console.log('ready'));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(0));

// The Worker the write-model benchmark loads (bench/workersWrites.bench.ts): one unit of
// work as the service's use cases do it (read the audit tail, hash the entry with Web
// Crypto, write a state row and the audit entry atomically), in two shapes:
// - /object: in a write-serialising Durable Object on its SQLite storage (a queue of
//   units, each read, hash and transaction in turn);
// - /d1: on D1, the read first, then a batch() of the two writes, the audit insert's
//   primary key on seq as the guard; a conflicting batch is rolled back and retried.
import { DurableObject } from 'cloudflare:workers';

interface D1Statement {
  bind(...values: unknown[]): D1Statement;
  first<T>(): Promise<T | null>;
  all<T>(): Promise<{ results: T[] }>;
  run(): Promise<unknown>;
}
interface D1 {
  prepare(sql: string): D1Statement;
  batch(statements: D1Statement[]): Promise<unknown>;
}
interface Env {
  DB: D1;
  WRITER: { idFromName(name: string): unknown; get(id: unknown): Writer };
}
interface Writer {
  unit(id: string): Promise<void>;
  chain(): Promise<{ entries: number; ok: boolean }>;
}

const SCHEMA = [
  'create table if not exists audit (seq integer primary key, prev text not null, hash text not null, body text not null)',
  'create table if not exists things (id text primary key, n integer not null)',
];

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

type Row = { seq: number; prev: string; hash: string };

function chainIsWhole(rows: Row[]) {
  let prev = '0';
  const ok = rows.every((row, i) => {
    const linked = row.prev === prev && row.seq === i + 1;
    prev = row.hash;
    return linked;
  });
  return { entries: rows.length, ok };
}

export class WriteSerialiser extends DurableObject {
  private queue: Promise<unknown> = Promise.resolve();
  // biome-ignore lint/suspicious/noExplicitAny: the Workers types are not part of this project
  constructor(ctx: any, env: unknown) {
    super(ctx, env as never);
    for (const statement of SCHEMA) ctx.storage.sql.exec(statement);
  }

  unit(id: string): Promise<void> {
    // biome-ignore lint/suspicious/noExplicitAny: as above
    const { storage } = (this as any).ctx;
    const run = async () => {
      const [tail] = storage.sql.exec('select seq, hash from audit order by seq desc limit 1').toArray();
      const body = JSON.stringify({ id });
      const hash = await sha256Hex((tail?.hash ?? '0') + body);
      storage.transactionSync(() => {
        storage.sql.exec('insert into things values (?, 1) on conflict (id) do update set n = n + 1', id);
        storage.sql.exec(
          'insert into audit values (?, ?, ?, ?)',
          (tail?.seq ?? 0) + 1,
          tail?.hash ?? '0',
          hash,
          body,
        );
      });
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => {});
    return next;
  }

  chain() {
    // biome-ignore lint/suspicious/noExplicitAny: as above
    const { storage } = (this as any).ctx;
    return chainIsWhole(storage.sql.exec('select seq, prev, hash from audit order by seq').toArray());
  }
}

/** Returns how many times the batch was refused and retried. */
async function d1Unit(db: D1, id: string): Promise<number> {
  for (let retries = 0; ; retries++) {
    const tail = await db.prepare('select seq, hash from audit order by seq desc limit 1').first<Row>();
    const body = JSON.stringify({ id });
    const hash = await sha256Hex((tail?.hash ?? '0') + body);
    try {
      await db.batch([
        db.prepare('insert into things values (?, 1) on conflict (id) do update set n = n + 1').bind(id),
        db
          .prepare('insert into audit values (?, ?, ?, ?)')
          .bind((tail?.seq ?? 0) + 1, tail?.hash ?? '0', hash, body),
      ]);
      return retries;
    } catch (error) {
      if (!/UNIQUE|constraint/i.test(String(error))) throw error;
    }
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const writer = env.WRITER.get(env.WRITER.idFromName('writer'));
    const id = url.searchParams.get('id') ?? 'x';
    switch (url.pathname) {
      case '/setup':
        for (const statement of SCHEMA) await env.DB.prepare(statement).run();
        return Response.json({});
      case '/object':
        await writer.unit(id);
        return Response.json({ retries: 0 });
      case '/d1':
        return Response.json({ retries: await d1Unit(env.DB, id) });
      case '/chain/object':
        return Response.json(await writer.chain());
      case '/chain/d1':
        return Response.json(
          chainIsWhole(
            (await env.DB.prepare('select seq, prev, hash from audit order by seq').all<Row>()).results,
          ),
        );
      default:
        return new Response('not found', { status: 404 });
    }
  },
};

// Kysely over a Durable Object's SQLite storage (`ctx.storage.sql`), the Workers backend.
// The object is the service's one writer: its storage has a single connection, so, as
// with better-sqlite3, a mutex hands that connection to one query or one transaction at
// a time, and a transaction holds it from begin to commit. Nothing else reads or writes
// in between, so a unit of work sees its own writes and no one else's, exactly as on an
// SQLite file. The storage refuses BEGIN and SAVEPOINT statements; a transaction is
// `ctx.storage.transaction(closure)`, kept open here until Kysely commits or rolls back,
// and it may await (Web Crypto for the audit hash) between statements.
import {
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type Dialect,
  type DialectAdapter,
  type Driver,
  Kysely,
  type QueryCompiler,
  type QueryResult,
  type SchemaMetadata,
  SelectQueryNode,
  SqliteAdapter,
  SqliteQueryCompiler,
  sql,
  type TableMetadata,
} from 'kysely';
import type { Database } from './database.js';

/** The part of a Durable Object's storage used here (structural: no Workers types in store/). */
export interface DurableObjectSqlStorage {
  sql: {
    exec(query: string, ...bindings: unknown[]): { toArray(): Record<string, unknown>[] };
  };
  transaction<T>(closure: () => Promise<T>): Promise<T>;
}

/** SQLite values the storage accepts: booleans as 0/1, bytes as an ArrayBuffer. */
function bindable(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Uint8Array) return value.slice().buffer;
  if (value === undefined) return null;
  return value;
}

/** As long as better-sqlite3's busy_timeout in store/sqlite.ts. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * The object is the database's only user on Cloudflare. Locally (workerd under wrangler
 * or Miniflare) its file is an ordinary SQLite file that another process may hold the
 * write lock of for a moment (the test suites write to it from Node, an operator may open
 * it with sqlite3), and the storage sets no busy timeout: a statement refused as busy is
 * tried again, as better-sqlite3 does, for up to BUSY_TIMEOUT_MS.
 */
async function whenUnlocked<T>(statement: () => T): Promise<T> {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (let pause = 2; ; pause = Math.min(pause * 2, 100)) {
    try {
      return statement();
    } catch (error) {
      if (!/SQLITE_BUSY/.test(String(error)) || Date.now() > deadline) throw error;
      await new Promise((next) => setTimeout(next, pause));
    }
  }
}

class DurableObjectConnection implements DatabaseConnection {
  constructor(private readonly storage: DurableObjectSqlStorage) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const { sql } = this.storage;
    const rows = (await whenUnlocked(() =>
      sql.exec(compiled.sql, ...compiled.parameters.map(bindable)).toArray(),
    )) as R[];
    if (SelectQueryNode.is(compiled.query)) return { rows };
    const [counts] = sql.exec('select changes() as changes, last_insert_rowid() as id').toArray();
    return {
      rows,
      numAffectedRows: BigInt(Number(counts?.changes ?? 0)),
      insertId: BigInt(Number(counts?.id ?? 0)),
    };
  }

  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming is not supported on Durable Object storage');
  }
}

/** Refuses the closure so the storage rolls the transaction back. */
class Rollback extends Error {
  override name = 'Rollback';
}

class ConnectionMutex {
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;
  async lock() {
    while (this.held) await this.held;
    this.held = new Promise((resolve) => {
      this.release = resolve;
    });
  }
  unlock() {
    const release = this.release;
    this.held = undefined;
    this.release = undefined;
    release?.();
  }
}

class DurableObjectDriver implements Driver {
  private readonly mutex = new ConnectionMutex();
  private readonly connection: DurableObjectConnection;
  private open: { finish: (commit: boolean) => void; done: Promise<void> } | undefined;

  constructor(private readonly storage: DurableObjectSqlStorage) {
    this.connection = new DurableObjectConnection(storage);
  }

  async init() {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.mutex.lock();
    return this.connection;
  }

  async beginTransaction(): Promise<void> {
    if (this.open) throw new Error('A transaction is already open on this Durable Object');
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    let finish!: (commit: boolean) => void;
    const done = this.storage.transaction(
      () =>
        new Promise<void>((resolve, reject) => {
          finish = (commit) => (commit ? resolve() : reject(new Rollback()));
          started();
        }),
    );
    // The storage may refuse to start; surface that instead of waiting forever.
    await Promise.race([running, done]);
    this.open = { finish, done };
  }

  async commitTransaction(): Promise<void> {
    const open = this.take();
    open.finish(true);
    await open.done;
  }

  async rollbackTransaction(): Promise<void> {
    const open = this.take();
    open.finish(false);
    await open.done.catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
  }

  private take() {
    const open = this.open;
    if (!open) throw new Error('No transaction is open on this Durable Object');
    this.open = undefined;
    return open;
  }

  async releaseConnection(): Promise<void> {
    this.mutex.unlock();
  }

  async destroy(): Promise<void> {}
}

/**
 * Kysely's SQLite introspector joins every table with pragma_table_info, which the storage
 * refuses for its own `_cf_` tables. The migrator only asks which tables exist, so the
 * service's own tables are listed here, without their columns.
 */
class DurableObjectIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<unknown>) {}
  async getSchemas(): Promise<SchemaMetadata[]> {
    return [];
  }
  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ name: string; type: string }>`
      select name, type from sqlite_master
      where type in ('table', 'view') and name not like 'sqlite!_%' escape '!' and name not like '!_cf!_%' escape '!'
      order by name`.execute(this.db);
    return rows.map((row) => ({ name: row.name, isView: row.type === 'view', columns: [] }));
  }
  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}

export class DurableObjectSqliteDialect implements Dialect {
  constructor(private readonly storage: DurableObjectSqlStorage) {}
  createDriver(): Driver {
    return new DurableObjectDriver(this.storage);
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new DurableObjectIntrospector(db);
  }
}

export function openDurableObjectDatabase(storage: DurableObjectSqlStorage): Kysely<Database> {
  return new Kysely<Database>({ dialect: new DurableObjectSqliteDialect(storage) });
}

// Kysely over a Durable Object's SQLite storage (`ctx.storage.sql`), the Workers backend.
// The object is the service's one writer: its storage has a single connection, so, as
// with better-sqlite3, a mutex hands that connection to one query or one transaction at
// a time, and a transaction holds it from begin to commit. Nothing else reads or writes
// in between, so a unit of work sees its own writes and no one else's, exactly as on an
// SQLite file. The storage refuses BEGIN and SAVEPOINT statements; a transaction is
// `ctx.storage.transaction(closure)`, kept open here until Kysely commits or rolls back,
// and it may await (Web Crypto for the audit hash) between statements.
import {
  type BinaryOperationNode,
  type CompiledQuery,
  createQueryId,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type Dialect,
  type DialectAdapter,
  type Driver,
  InsertQueryNode,
  Kysely,
  OperatorNode,
  PrimitiveValueListNode,
  type QueryCompiler,
  type QueryResult,
  type SchemaMetadata,
  SelectQueryNode,
  SqliteAdapter,
  SqliteQueryCompiler,
  sql,
  type TableMetadata,
  ValuesNode,
} from 'kysely';
import type { Database } from './database.js';

/**
 * The storage's SQLite binds at most 100 parameters to a statement (better-sqlite3's and
 * PostgreSQL's limits are in the tens of thousands). Two kinds of statement pass that in
 * the service, and both are reshaped here rather than in every repository:
 * - `x in (…)` over a long list (a batch lookup of 1,000 accounts) binds the list as one
 *   JSON array instead: `x in (select value from json_each(?))`, which SQLite answers
 *   through the same index;
 * - a multi-row insert (query-log and interest batches) is run as several inserts of as
 *   many rows as fit (see DurableObjectConnection).
 */
export const MAX_BOUND_PARAMETERS = 100;
/** Lists longer than this go through json_each, leaving room for the statement's other parameters. */
const LONGEST_INLINE_LIST = 32;

class DurableObjectQueryCompiler extends SqliteQueryCompiler {
  protected override visitBinaryOperation(node: BinaryOperationNode): void {
    const list = node.rightOperand;
    const operator = OperatorNode.is(node.operator) ? node.operator.operator : undefined;
    if (
      (operator === 'in' || operator === 'not in') &&
      PrimitiveValueListNode.is(list) &&
      list.values.length > LONGEST_INLINE_LIST
    ) {
      this.visitNode(node.leftOperand);
      this.append(` ${operator} (select value from json_each(`);
      this.appendValue(JSON.stringify(list.values));
      this.append('))');
      return;
    }
    super.visitBinaryOperation(node);
  }
}

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
    if (compiled.parameters.length > MAX_BOUND_PARAMETERS && InsertQueryNode.is(compiled.query)) {
      return this.executeInsertInParts(compiled.query);
    }
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

  /**
   * One insert per part of the rows that fits the parameter limit. The parts run one
   * after another without awaiting anything in between, which the storage commits as one
   * (its writes coalesce until the next await), and inside a transaction they are part of it.
   */
  private async executeInsertInParts<R>(query: InsertQueryNode): Promise<QueryResult<R>> {
    const values = query.values;
    if (!values || !ValuesNode.is(values)) throw new Error('An insert this large must list its rows');
    const columns = Math.max(1, query.columns?.length ?? 1);
    const rowsPerPart = Math.max(1, Math.floor((MAX_BOUND_PARAMETERS - 10) / columns));
    const compiler = new DurableObjectQueryCompiler();
    const parts: CompiledQuery[] = [];
    for (let i = 0; i < values.values.length; i += rowsPerPart) {
      const part = InsertQueryNode.cloneWith(query, {
        values: ValuesNode.create(values.values.slice(i, i + rowsPerPart)),
      });
      parts.push(compiler.compileQuery(part, createQueryId()));
    }
    const results = await whenUnlocked(() =>
      parts.map((part) => {
        const { sql } = this.storage;
        const rows = sql.exec(part.sql, ...part.parameters.map(bindable)).toArray() as R[];
        const [counts] = sql.exec('select changes() as changes').toArray();
        return { rows, changes: Number(counts?.changes ?? 0) };
      }),
    );
    return {
      rows: results.flatMap((result) => result.rows),
      numAffectedRows: BigInt(results.reduce((sum, result) => sum + result.changes, 0)),
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
    return new DurableObjectQueryCompiler();
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

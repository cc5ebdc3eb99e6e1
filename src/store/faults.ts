// Storage faults: a database that cannot be reached, a full disk, read-only storage. The
// drivers report them each in their own way (pg error codes and socket errors,
// better-sqlite3 result codes); here they become the problem types of
// domain/errors.ts, so every use case answers them as a 503 with Retry-After instead of a
// 500, and the background loops can tell "the database is away" from a bug. Everything
// else (a constraint violation, a syntax error) passes through unchanged.
import type { DatabaseConnection, Dialect, Driver, QueryResult, TransactionSettings } from 'kysely';
import {
  DatabaseUnavailableError,
  type StorageFaultError,
  StorageFullError,
  StorageReadOnlyError,
} from '../domain/errors.js';

/** Socket-level errors of a database client: the server is away or the network is. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** Messages node-postgres raises without a code when a connection ends or cannot start. */
const PG_CONNECTION_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection terminated unexpectedly)/;

export function storageFault(error: unknown): StorageFaultError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  if (typeof code === 'string') {
    // better-sqlite3: extended result codes such as SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED.
    if (code === 'SQLITE_FULL')
      return new StorageFullError('The database file cannot grow: the disk is full');
    if (code.startsWith('SQLITE_READONLY'))
      return new StorageReadOnlyError('The database file cannot be written: it is read-only');
    if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN')
      return new DatabaseUnavailableError('The database file cannot be read or written (I/O error)');
    if (code === 'SQLITE_BUSY') return new DatabaseUnavailableError('The database is busy; try again');
    // PostgreSQL SQLSTATE codes.
    if (code === '53100') return new StorageFullError('The database server has no disk space left');
    if (code === '25006')
      return new StorageReadOnlyError('The database server accepts no writes (read-only)');
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300')
      return new DatabaseUnavailableError('The database server is unavailable');
    if (code === '3D000') return new DatabaseUnavailableError('The database does not exist (yet)');
    if (UNREACHABLE_CODES.has(code))
      return new DatabaseUnavailableError('The database server cannot be reached');
  }
  if (PG_CONNECTION_MESSAGES.test(text))
    return new DatabaseUnavailableError('The database connection was lost');
  // AggregateError from a failed connect to several addresses (localhost as ::1 and 127.0.0.1).
  if (error instanceof AggregateError && error.errors.some((inner) => storageFault(inner)))
    return new DatabaseUnavailableError('The database server cannot be reached');
  return undefined;
}

/** Rethrows a storage fault as its problem type (the driver's error as its cause). */
function translated(error: unknown): unknown {
  const fault = storageFault(error);
  if (!fault) return error;
  (fault as { cause?: unknown }).cause = error;
  return fault;
}

async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translated(error);
  }
}

function guardConnection(connection: DatabaseConnection): DatabaseConnection {
  return {
    executeQuery: <R>(query: Parameters<DatabaseConnection['executeQuery']>[0]) =>
      guard(() => connection.executeQuery<R>(query)),
    async *streamQuery<R>(
      query: Parameters<DatabaseConnection['streamQuery']>[0],
      chunkSize?: number,
    ): AsyncIterableIterator<QueryResult<R>> {
      try {
        yield* connection.streamQuery<R>(query, chunkSize);
      } catch (error) {
        throw translated(error);
      }
    },
  };
}

/**
 * The driver's connections, wrapped; the driver is handed back its own connection object
 * for transactions and release, so it never sees the wrapper.
 */
function guardDriver(driver: Driver): Driver {
  const inner = new WeakMap<DatabaseConnection, DatabaseConnection>();
  const unwrap = (connection: DatabaseConnection) => inner.get(connection) ?? connection;
  const wrapped: Driver = {
    init: () => guard(() => driver.init()),
    async acquireConnection() {
      const connection = await guard(() => driver.acquireConnection());
      const outer = guardConnection(connection);
      inner.set(outer, connection);
      return outer;
    },
    beginTransaction: (connection: DatabaseConnection, settings: TransactionSettings) =>
      guard(() => driver.beginTransaction(unwrap(connection), settings)),
    commitTransaction: (connection) => guard(() => driver.commitTransaction(unwrap(connection))),
    async rollbackTransaction(connection) {
      try {
        await driver.rollbackTransaction(unwrap(connection));
      } catch (error) {
        // SQLite rolls a transaction back by itself after some errors (SQLITE_FULL among
        // them); the ROLLBACK that follows then fails and would hide the error that
        // caused it. The transaction is gone either way, which is what was asked.
        if (error instanceof Error && /no transaction is active/.test(error.message)) return;
        throw translated(error);
      }
    },
    releaseConnection: (connection) => driver.releaseConnection(unwrap(connection)),
    destroy: () => driver.destroy(),
  };
  if (driver.savepoint) {
    const savepoint = driver.savepoint.bind(driver);
    wrapped.savepoint = (connection, name, compile) =>
      guard(() => savepoint(unwrap(connection), name, compile));
  }
  if (driver.rollbackToSavepoint) {
    const rollback = driver.rollbackToSavepoint.bind(driver);
    wrapped.rollbackToSavepoint = (connection, name, compile) =>
      guard(() => rollback(unwrap(connection), name, compile));
  }
  if (driver.releaseSavepoint) {
    const release = driver.releaseSavepoint.bind(driver);
    wrapped.releaseSavepoint = (connection, name, compile) =>
      guard(() => release(unwrap(connection), name, compile));
  }
  return wrapped;
}

/** A dialect whose storage faults arrive as StorageFaultError subclasses. */
export function withStorageFaults(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => guardDriver(dialect.createDriver()),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}

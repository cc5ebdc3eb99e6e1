// A clock for test deployments of the Worker (TEST_CLOCK=storage): real time moved by an
// offset, or stopped, as a row of the Durable Object's own database says. The test suites
// run the Worker in workerd and write that row from outside (test/helpers/workerServer.ts),
// the way the Node suites move their in-process clock. Reading it is one synchronous
// statement on the object's storage, so `now()` stays synchronous.
import type { Clock } from '../domain/clock.js';

interface SqlStorage {
  exec(query: string, ...bindings: unknown[]): { toArray(): Record<string, unknown>[] };
}

export const STORAGE_CLOCK_TABLE = 'test_clock';

export function storageClock(sql: SqlStorage): Clock {
  sql.exec(
    `create table if not exists ${STORAGE_CLOCK_TABLE} (id integer primary key check (id = 1), offset_ms integer not null, frozen_at integer)`,
  );
  return {
    now() {
      const [row] = sql
        .exec(`select offset_ms, frozen_at from ${STORAGE_CLOCK_TABLE} where id = 1`)
        .toArray();
      const base = typeof row?.frozen_at === 'number' ? row.frozen_at : Date.now();
      return new Date(base + Number(row?.offset_ms ?? 0));
    },
  };
}

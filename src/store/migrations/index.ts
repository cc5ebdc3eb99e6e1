// Ordered migrations, listed statically (no filesystem scan) so the Workers runtime can
// run them too. Append only: never edit a migration that has shipped.
import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_foundation.js';

export const MIGRATIONS: Record<string, Migration> = {
  '0001_foundation': m0001,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};

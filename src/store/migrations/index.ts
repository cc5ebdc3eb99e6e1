// Ordered migrations, listed statically (no filesystem scan) so the Workers runtime can
// run them too. Append only: never edit a migration that has shipped.
import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_foundation.js';
import * as m0002 from './0002_wallet_bindings.js';
import * as m0003 from './0003_attestations.js';
import * as m0004 from './0004_exchange_api.js';
import * as m0005 from './0005_regulator.js';
import * as m0006 from './0006_lookup_indexes.js';
import * as m0007 from './0007_exchange_interest.js';
import * as m0008 from './0008_webhook_dispatch.js';
import * as m0009 from './0009_chain_publications.js';
import * as m0010 from './0010_egov_mobile_signings.js';
import * as m0011 from './0011_shared_instance_state.js';
import * as m0012 from './0012_daily_activity.js';
import * as m0013 from './0013_audit_tiles.js';
import * as m0014 from './0014_confidential_cases.js';
import * as m0015 from './0015_pending_actions.js';
import * as m0016 from './0016_officer_index.js';

export const MIGRATIONS: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_wallet_bindings': m0002,
  '0003_attestations': m0003,
  '0004_exchange_api': m0004,
  '0005_regulator': m0005,
  '0006_lookup_indexes': m0006,
  '0007_exchange_interest': m0007,
  '0008_webhook_dispatch': m0008,
  '0009_chain_publications': m0009,
  '0010_egov_mobile_signings': m0010,
  '0011_shared_instance_state': m0011,
  '0012_daily_activity': m0012,
  '0013_audit_tiles': m0013,
  '0014_confidential_cases': m0014,
  '0015_pending_actions': m0015,
  '0016_officer_index': m0016,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};

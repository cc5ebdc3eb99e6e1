// What every use case needs: the database and its unit of work, the data protector, the
// clock, the config, the chains the service can read and the key store.
// Use cases are plain functions over this context; each state change runs in one unit of
// work (`units.run`) together with its audit entry.
import type { Kysely } from 'kysely';
import type { ChainDirectory } from '../chains/chainDirectory.js';
import type { Config } from '../config/config.js';
import type { DataProtector } from '../crypto/dataProtector.js';
import type { Digests } from '../crypto/digests.js';
import type { KeyStore } from '../crypto/keyStore.js';
import type { Clock } from '../domain/clock.js';
import type { Database } from '../store/database.js';
import type { UnitOfWork } from '../store/transaction.js';
import type { InterestWriter } from './interest.js';
import type { QueryLogWriter } from './queryLog.js';
import type { RateLimiter } from './rateLimiter.js';

export interface ServiceContext {
  /** Reads outside a unit of work; state changes go through `units`. */
  db: Kysely<Database>;
  /** Runs a state change and its audit entries as one unit (the backend's adapter). */
  units: UnitOfWork;
  protector: DataProtector;
  /** SHA-256 and HMAC of the runtime (synchronous node:crypto on Node). */
  digests: Digests;
  clock: Clock;
  config: Config;
  chains: ChainDirectory;
  /** Attestation signing keys and the EIP-712 attester; signing happens inside. */
  keys: KeyStore;
  limiter: RateLimiter;
  queryLog: QueryLogWriter;
  /** Exchange interest in accounts, written before a lookup is answered. */
  interest: InterestWriter;
}

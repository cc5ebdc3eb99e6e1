// Secrets and attestation keys of the Worker, as fileKeyStore.ts and secrets.ts do them on
// Node: from Worker secrets (`wrangler secret put`; required in production by the config),
// or, in development, generated once and kept in the Durable Object's own storage, the
// Worker's counterpart of DATA_DIR (which survives `wrangler dev` restarts under .wrangler/).
import type { JWK } from 'jose';
import { generatePrivateKey } from 'viem/accounts';
import type { Config } from '../config/config.js';
import type { DataKeys } from '../crypto/dataProtector.js';
import {
  generateSigningKey,
  type KeyMaterial,
  type KeyStore,
  keyStoreFromMaterial,
  parseSigningKeySet,
} from '../crypto/keyStore.js';
import { randomBytes, toBase64Url } from '../domain/encoding.js';
import { generateDevIdpSigningKey } from '../http/devIdp/index.js';
import { parseDataEncryptionKeys, parseLookupHashKey } from './secretValues.js';

/** The storage calls used: a Durable Object's key-value API. */
export interface SecretStorage {
  get<T>(key: string): Promise<T | undefined>;
  put<T>(key: string, value: T): Promise<void>;
}

async function kept<T>(storage: SecretStorage, key: string, create: () => Promise<T>): Promise<T> {
  const existing = await storage.get<T>(key);
  if (existing !== undefined) return existing;
  const value = await create();
  await storage.put(key, value);
  return value;
}

export interface WorkerSecrets {
  dataKeys: DataKeys;
  devIdpSigningKey?: JWK;
  keys: KeyStore;
}

export async function loadWorkerSecrets(
  config: Config,
  storage: SecretStorage,
  now: Date,
): Promise<WorkerSecrets> {
  const { dataEncryptionKeys, lookupHashKey, attestationSigningKeys, attesterPrivateKey, logSigningKey } =
    config.secrets;
  const encryption =
    dataEncryptionKeys ??
    (await kept(storage, 'dev:dataEncryptionKeys', async () => `dev1:${toBase64Url(randomBytes(32))}`));
  const lookup =
    lookupHashKey ?? (await kept(storage, 'dev:lookupHashKey', async () => toBase64Url(randomBytes(32))));
  const material: KeyMaterial =
    attestationSigningKeys && attesterPrivateKey
      ? {
          signingKeys: parseSigningKeySet(attestationSigningKeys, now),
          attesterPrivateKey: attesterPrivateKey as KeyMaterial['attesterPrivateKey'],
        }
      : await kept(storage, 'dev:keyMaterial', async () => ({
          signingKeys: [await generateSigningKey(config.attestations.alg, now)],
          attesterPrivateKey: generatePrivateKey(),
        }));
  const logKey =
    logSigningKey ?? (await kept(storage, 'dev:logSigningKey', async () => toBase64Url(randomBytes(32))));
  const devIdpSigningKey = config.identitySources.includes('dev')
    ? await kept(storage, 'dev:devIdpSigningKey', generateDevIdpSigningKey)
    : undefined;
  return {
    dataKeys: { encryption: parseDataEncryptionKeys(encryption), lookup: parseLookupHashKey(lookup) },
    ...(devIdpSigningKey ? { devIdpSigningKey } : {}),
    keys: keyStoreFromMaterial(() => ({ ...material, logSigningKey: logKey })),
  };
}

// Key store adapters for the Node runtime. Default: a file under DATA_DIR (mode 600)
// created on first start, re-read when it changes, so `keys rotate` run by the operator
// takes effect in a running service without a restart. Production passes the keys in the
// environment instead (ATTESTATION_SIGNING_KEYS, ATTESTER_PRIVATE_KEY).
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Hex } from 'viem';
import { generatePrivateKey } from 'viem/accounts';
import type { Config } from '../config/config.js';
import {
  type AttestationAlg,
  generateSigningKey,
  type KeyMaterial,
  type KeyStore,
  KeyStoreError,
  keyStoreFromMaterial,
  parseSigningKeySet,
} from '../crypto/keyStore.js';
import { randomBytes, toBase64Url } from '../domain/encoding.js';
import type { Database } from '../store/database.js';
import { appendAudit } from '../store/repositories/auditLog.js';
import { unitsOf } from '../store/transaction.js';

export function keyFilePath(dataDir: string): string {
  return join(dataDir, 'attestation-keys.json');
}

function readMaterial(path: string): KeyMaterial {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as KeyMaterial;
  } catch (error) {
    throw new KeyStoreError(`${path} cannot be read as JSON: ${(error as Error).message}`);
  }
}

/** Writes through a temporary file and a rename, so readers never see half a file. */
function writeMaterial(path: string, material: KeyMaterial) {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(material, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

async function createMaterial(path: string, alg: AttestationAlg, now: Date): Promise<void> {
  mkdirSync(join(path, '..'), { recursive: true });
  writeMaterial(path, {
    signingKeys: [await generateSigningKey(alg, now)],
    attesterPrivateKey: generatePrivateKey(),
    logSigningKey: toBase64Url(randomBytes(32)),
  });
}

/** Files written before the audit log had a key of its own get one, once. */
function addLogSigningKey(path: string): void {
  const material = readMaterial(path);
  if (material.logSigningKey) return;
  writeMaterial(path, { ...material, logSigningKey: toBase64Url(randomBytes(32)) });
}

export function fileKeyStore(path: string): KeyStore {
  let cached: { mtimeMs: number; size: number; material: KeyMaterial } | undefined;
  return keyStoreFromMaterial(() => {
    const stat = statSync(path);
    if (!cached || cached.mtimeMs !== stat.mtimeMs || cached.size !== stat.size) {
      cached = { mtimeMs: stat.mtimeMs, size: stat.size, material: readMaterial(path) };
    }
    return cached.material;
  });
}

/** The key store `npm start` and the CLI use: the environment's keys, or the file under DATA_DIR. */
export async function openKeyStore(config: Config, now: Date): Promise<KeyStore> {
  const { attestationSigningKeys, attesterPrivateKey } = config.secrets;
  if (attestationSigningKeys && attesterPrivateKey) {
    const material: KeyMaterial = {
      signingKeys: parseSigningKeySet(attestationSigningKeys, now),
      attesterPrivateKey: attesterPrivateKey as Hex,
      ...(config.secrets.logSigningKey ? { logSigningKey: config.secrets.logSigningKey } : {}),
    };
    return keyStoreFromMaterial(() => material);
  }
  const path = keyFilePath(config.dataDir);
  if (!existsSync(path)) await createMaterial(path, config.attestations.alg, now);
  else addLogSigningKey(path);
  return fileKeyStore(path);
}

/**
 * Puts a new signing key in front and marks the previous one retired. The retired key
 * stays in the file and in the JWKS until every token it signed has expired. With a
 * database (the CLI always passes one) the rotation is an audited operator action: the
 * file is written last inside the transaction of its `keys.rotated` entry, so a rotation
 * that fails leaves no entry and an entry that cannot be written leaves the keys alone.
 */
export async function rotateSigningKey(
  config: Config,
  now: Date,
  audited?: Kysely<Database>,
): Promise<{ kid: string; retiredKid: string | undefined }> {
  if (!audited) return rotateKeyFile(config, now);
  return unitsOf(audited).run(async (trx) => {
    const material = await prepareRotation(config, now);
    await appendAudit(
      trx,
      {
        actorType: 'operator',
        actorId: null,
        action: 'keys.rotated',
        subjectType: 'signing_key',
        subjectId: material.kid,
        details: { kid: material.kid, retiredKid: material.retiredKid ?? null, alg: config.attestations.alg },
      },
      now,
    );
    material.write();
    return { kid: material.kid, retiredKid: material.retiredKid };
  });
}

async function rotateKeyFile(config: Config, now: Date) {
  const material = await prepareRotation(config, now);
  material.write();
  return { kid: material.kid, retiredKid: material.retiredKid };
}

async function prepareRotation(
  config: Config,
  now: Date,
): Promise<{ kid: string; retiredKid: string | undefined; write: () => void }> {
  if (config.secrets.attestationSigningKeys) {
    throw new KeyStoreError(
      'Keys come from ATTESTATION_SIGNING_KEYS: rotate by putting a new key first in that set (keep the old ones)',
    );
  }
  const path = keyFilePath(config.dataDir);
  if (!existsSync(path)) await createMaterial(path, config.attestations.alg, now);
  const material = readMaterial(path);
  const previous = material.signingKeys[0];
  const fresh = await generateSigningKey(config.attestations.alg, now);
  const signingKeys = [
    fresh,
    ...material.signingKeys.map((key) => (key === previous ? { ...key, retiredAt: now.toISOString() } : key)),
  ];
  return {
    kid: fresh.kid,
    retiredKid: previous?.kid,
    write: () => writeMaterial(path, { ...material, signingKeys }),
  };
}

// Development secrets: generated once under DATA_DIR (file mode 600) so `npm start` works
// on a fresh machine. Production must pass them in the environment (config enforces it).
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JWK } from 'jose';
import type { Config } from '../config/config.js';
import type { DataKeys } from '../crypto/dataProtector.js';
import { randomBytes, toBase64Url } from '../domain/encoding.js';
import { generateDevIdpSigningKey } from '../http/devIdp/index.js';
import { parseDataEncryptionKeys, parseLookupHashKey, SecretsError } from './secretValues.js';

export { parseDataEncryptionKeys, SecretsError };

interface DevSecretsFile {
  dataEncryptionKeys: string;
  lookupHashKey: string;
  devIdpSigningKey?: JWK;
}

function writePrivateFile(path: string, content: string) {
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
}

async function loadOrCreateDevSecrets(dataDir: string, needDevIdp: boolean): Promise<DevSecretsFile> {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'secrets.json');
  let secrets: DevSecretsFile | undefined;
  if (existsSync(path)) {
    try {
      secrets = JSON.parse(readFileSync(path, 'utf8')) as DevSecretsFile;
    } catch {
      throw new SecretsError(
        `${path} is not valid JSON; restore it or remove it (data encrypted with it is lost)`,
      );
    }
  }
  let changed = false;
  if (!secrets) {
    secrets = {
      dataEncryptionKeys: `dev1:${toBase64Url(randomBytes(32))}`,
      lookupHashKey: toBase64Url(randomBytes(32)),
    };
    changed = true;
  }
  if (needDevIdp && !secrets.devIdpSigningKey) {
    secrets.devIdpSigningKey = await generateDevIdpSigningKey();
    changed = true;
  }
  if (changed) writePrivateFile(path, `${JSON.stringify(secrets, null, 2)}\n`);
  return secrets;
}

export interface RuntimeSecrets {
  dataKeys: DataKeys;
  devIdpSigningKey?: JWK;
}

export async function loadSecrets(config: Config): Promise<RuntimeSecrets> {
  const needDevIdp = config.identitySources.includes('dev');
  const fromEnv = config.secrets.dataEncryptionKeys && config.secrets.lookupHashKey;
  const dev = fromEnv && !needDevIdp ? undefined : await loadOrCreateDevSecrets(config.dataDir, needDevIdp);
  const encryption = config.secrets.dataEncryptionKeys ?? dev!.dataEncryptionKeys;
  const lookup = config.secrets.lookupHashKey ?? dev!.lookupHashKey;
  return {
    dataKeys: { encryption: parseDataEncryptionKeys(encryption), lookup: parseLookupHashKey(lookup) },
    ...(dev?.devIdpSigningKey ? { devIdpSigningKey: dev.devIdpSigningKey } : {}),
  };
}

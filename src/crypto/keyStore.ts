// The key store port: attestation signing keys (JWS, ES256 or EdDSA) and the EIP-712
// attester key (secp256k1). Callers get public keys and signatures, never private keys:
// signing happens in here. Where the material lives (files under DATA_DIR, or the
// environment in production) is the adapter's business; see runtime/fileKeyStore.ts.
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';
import type { Address, Hex, TypedDataDefinition } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { ed25519NoteSigner, type NoteSigner, parseLogSigningSeed } from '../domain/audit/signedNote.js';

export type AttestationAlg = 'ES256' | 'EdDSA';

/** A signing key as kept by a store: the private JWK and when it served. */
export interface StoredSigningKey {
  kid: string;
  alg: AttestationAlg;
  privateJwk: JWK;
  createdAt: string;
  /** Set when a newer key took over; the key then only awaits its tokens' expiry. */
  retiredAt?: string;
}

export interface KeyMaterial {
  /** Current key first. */
  signingKeys: StoredSigningKey[];
  attesterPrivateKey: Hex;
  /** The audit log's Ed25519 note key (base64url seed or PRIVATE+KEY+…); a key of its own. */
  logSigningKey?: string;
}

export interface PublicSigningKey {
  kid: string;
  alg: AttestationAlg;
  /** Public JWK with kid, alg and use. */
  jwk: JWK;
  createdAt: string;
  retiredAt?: string;
}

export interface KeyStore {
  /** Every signing key held, current first, public parts only. */
  signingKeys(): Promise<PublicSigningKey[]>;
  /** Signs a JWT with the current key; returns the compact JWS and the key ID used. */
  signJwt(typ: string, payload: JWTPayload): Promise<{ token: string; kid: string }>;
  attesterAddress(): Promise<Address>;
  signTypedData(typedData: TypedDataDefinition): Promise<Hex>;
  /**
   * Signs the audit log's checkpoints as signed notes under the key name `origin`. Absent
   * from stores that hold no log key (the log's checkpoint then answers 503).
   */
  logSigner?(origin: string): Promise<NoteSigner>;
}

export class KeyStoreError extends Error {
  override name = 'KeyStoreError';
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

export function publicJwkOf(key: StoredSigningKey): JWK {
  const jwk: JWK = { ...key.privateJwk };
  for (const member of PRIVATE_MEMBERS) delete (jwk as Record<string, unknown>)[member];
  delete jwk.key_ops;
  return { ...jwk, kid: key.kid, alg: key.alg, use: 'sig' };
}

export async function generateSigningKey(alg: AttestationAlg, now: Date): Promise<StoredSigningKey> {
  const { privateKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
  });
  const privateJwk = await exportJWK(privateKey);
  // RFC 7638 thumbprint: a kid that names the key itself, the same on every instance.
  const kid = await calculateJwkThumbprint(privateJwk, 'sha256');
  return { kid, alg, privateJwk, createdAt: now.toISOString() };
}

/** Reads ATTESTATION_SIGNING_KEYS: a JWK set whose keys carry private parts, `alg` and `kid`; the first signs. */
export function parseSigningKeySet(text: string, now: Date): StoredSigningKey[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new KeyStoreError('ATTESTATION_SIGNING_KEYS is not JSON');
  }
  const keys = (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new KeyStoreError(
      'ATTESTATION_SIGNING_KEYS must be a JWK set {"keys":[...]} with at least one key',
    );
  }
  return keys.map((jwk: JWK, i): StoredSigningKey => {
    const alg: AttestationAlg | undefined =
      jwk.alg === 'ES256' ? 'ES256' : jwk.alg === 'EdDSA' ? 'EdDSA' : undefined;
    if (!alg) {
      throw new KeyStoreError(`ATTESTATION_SIGNING_KEYS key ${i + 1} must have alg ES256 or EdDSA`);
    }
    if (!jwk.kid || !jwk.d) {
      throw new KeyStoreError(
        `ATTESTATION_SIGNING_KEYS key ${i + 1} must have a kid and its private part (d)`,
      );
    }
    return { kid: jwk.kid, alg, privateJwk: jwk, createdAt: now.toISOString() };
  });
}

/**
 * A key store over key material from anywhere: `load` is called on every use and may
 * return new material (a rotation by another process); imported keys are cached by kid.
 */
export function keyStoreFromMaterial(load: () => KeyMaterial): KeyStore {
  const imported = new Map<string, Promise<CryptoKey | Uint8Array>>();
  const importKey = (key: StoredSigningKey) => {
    let pending = imported.get(key.kid);
    if (!pending) {
      pending = importJWK(key.privateJwk, key.alg);
      imported.set(key.kid, pending);
    }
    return pending;
  };
  const current = () => {
    const key = load().signingKeys[0];
    if (!key) throw new KeyStoreError('The key store holds no signing key');
    return key;
  };
  // Deriving the account (public key and address) costs ~230 µs; keep it per private key,
  // so a rotation of the attester key by another process is still picked up.
  let attesterAccount: { privateKey: Hex; account: ReturnType<typeof privateKeyToAccount> } | undefined;
  const attester = () => {
    const privateKey = load().attesterPrivateKey;
    if (attesterAccount?.privateKey !== privateKey) {
      attesterAccount = { privateKey, account: privateKeyToAccount(privateKey) };
    }
    return attesterAccount.account;
  };

  let logSigner: { key: string; origin: string; signer: NoteSigner } | undefined;

  return {
    async logSigner(origin) {
      const key = load().logSigningKey;
      if (!key) throw new KeyStoreError('The key store holds no log signing key (LOG_SIGNING_KEY)');
      if (logSigner?.key !== key || logSigner.origin !== origin) {
        logSigner = { key, origin, signer: ed25519NoteSigner(origin, parseLogSigningSeed(key)) };
      }
      return logSigner.signer;
    },
    async signingKeys() {
      return load().signingKeys.map((key) => ({
        kid: key.kid,
        alg: key.alg,
        jwk: publicJwkOf(key),
        createdAt: key.createdAt,
        ...(key.retiredAt ? { retiredAt: key.retiredAt } : {}),
      }));
    },
    async signJwt(typ, payload) {
      const key = current();
      const token = await new SignJWT(payload)
        .setProtectedHeader({ alg: key.alg, typ, kid: key.kid })
        .sign(await importKey(key));
      return { token, kid: key.kid };
    },
    async attesterAddress() {
      return attester().address;
    },
    async signTypedData(typedData) {
      return attester().signTypedData(typedData);
    },
  };
}

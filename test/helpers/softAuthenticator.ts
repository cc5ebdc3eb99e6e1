// A software WebAuthn authenticator for tests: it plays a platform authenticator *and* the
// browser glue around `navigator.credentials.create()/get()`, and returns exactly the JSON that
// `@simplewebauthn/browser`'s `startRegistration()` / `startAuthentication()` would hand to the
// app. The cryptography is real (P-256 / ES256 through node:crypto), so a server verifies these
// responses with the same code path it uses for real passkeys.
//
// Step names follow WebAuthn Level 3:
//   §5.1.3 [[Create]] / §5.1.4 [[DiscoverFromExternalSource]]  – client side (clientDataJSON, RP ID check)
//   §6.3.2 authenticatorMakeCredential / §6.3.3 authenticatorGetAssertion – authenticator side
//   §6.1 authenticator data, §6.5.1 attested credential data, §8.7 "none" attestation
//
// Negative tests pass `overrides` to make the client or the authenticator misbehave; every
// deviation is opt-in, so a test without overrides always produces a response a correct
// server accepts.
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { type CborValue, encodeCbor } from './cbor.js';

/** COSE algorithm identifier for ECDSA w/ SHA-256 on P-256 (RFC 9053). */
export const COSE_ALG_ES256 = -7;

/** Authenticator data flag bits (WebAuthn §6.1). */
export const AuthenticatorFlags = {
  UP: 0x01, // user present
  UV: 0x04, // user verified
  BE: 0x08, // backup eligible
  BS: 0x10, // backup state
  AT: 0x40, // attested credential data included
  ED: 0x80, // extension data included
} as const;

export interface SoftAuthenticatorOptions {
  /** The origin of the page the (emulated) browser is on, e.g. `http://localhost:8787`. */
  origin: string;
  /** AAGUID reported at registration; 16 bytes, all zero by default (as most passkey providers with "none"). */
  aaguid?: Uint8Array;
  /** BE flag: the credential may be synced (a multi-device passkey). Default false. */
  backupEligible?: boolean;
  /** BS flag: the credential is currently backed up. Requires `backupEligible`. Default false. */
  backupState?: boolean;
  /** signCount reported at registration. Default 0. */
  counterStart?: number;
  /** Added to the counter on every assertion. Default 1; 0 emulates authenticators without a counter. */
  counterStep?: number;
  /** Length of newly minted credential IDs, 16–32 bytes. Default 32. */
  credentialIdLength?: number;
}

/** A credential held by the authenticator (WebAuthn §6.4 "public key credential source"). */
export interface SoftCredential {
  /** base64url credential ID (same as `id` / `rawId` in the JSON responses). */
  id: string;
  rpId: string;
  /** base64url user handle, i.e. `user.id` from the creation options, copied as is. */
  userHandle: string;
  userName: string;
  /** Current signature counter; the next assertion reports `counter + counterStep`. */
  counter: number;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The COSE_Key as embedded in the attested credential data. */
  cosePublicKey: Uint8Array;
}

/** Deviations a negative test can ask for at registration. Every field is optional and opt-in. */
export interface RegistrationOverrides {
  /** Origin written into clientDataJSON. Also disables the RP ID / origin check. */
  origin?: string;
  /** RP ID whose SHA-256 becomes rpIdHash. Also disables the RP ID / origin check. */
  rpId?: string;
  /** Challenge written into clientDataJSON instead of `options.challenge`. */
  challenge?: string;
  /** `false` clears the UV flag. */
  userVerified?: boolean;
  /** `false` clears the UP flag. */
  userPresent?: boolean;
  /** clientDataJSON `type`, e.g. `webauthn.get` at registration. */
  type?: string;
  /** base64url ID for the new credential instead of random bytes (replaces a held credential with that ID). */
  credentialId?: string;
  /** signCount written into authenticator data (the stored counter is left as configured). */
  counter?: number;
}

/** Deviations a negative test can ask for at authentication. */
export interface AssertionOverrides extends Omit<RegistrationOverrides, 'credentialId' | 'counter'> {
  /** Use this held credential, ignoring `allowCredentials` and the RP ID. */
  credentialId?: string;
  /** Flip a bit of the signature (the DER stays well-formed; the signature no longer verifies). */
  tamperSignature?: boolean;
  /** signCount written into authenticator data for this assertion only; the stored counter still advances. */
  counter?: number;
}

export class SoftAuthenticator {
  readonly origin: string;
  readonly aaguid: Uint8Array;
  readonly backupEligible: boolean;
  readonly backupState: boolean;
  readonly counterStart: number;
  readonly counterStep: number;
  readonly credentialIdLength: number;
  readonly #credentials: SoftCredential[] = [];

  constructor(options: SoftAuthenticatorOptions) {
    this.origin = new URL(options.origin).origin;
    this.aaguid = options.aaguid ?? new Uint8Array(16);
    this.backupEligible = options.backupEligible ?? false;
    this.backupState = options.backupState ?? false;
    this.counterStart = options.counterStart ?? 0;
    this.counterStep = options.counterStep ?? 1;
    this.credentialIdLength = options.credentialIdLength ?? 32;
    if (this.aaguid.length !== 16) throw new RangeError('aaguid must be 16 bytes');
    // §6.1: "If the BE flag is not set, the BS flag MUST NOT be set."
    if (this.backupState && !this.backupEligible) throw new RangeError('backupState requires backupEligible');
    if (this.credentialIdLength < 16 || this.credentialIdLength > 32) {
      throw new RangeError('credentialIdLength must be 16–32 bytes');
    }
    assertUint32(this.counterStart, 'counterStart');
    assertUint32(this.counterStep, 'counterStep');
  }

  /** The credentials this authenticator holds, oldest first. */
  get credentials(): readonly SoftCredential[] {
    return this.#credentials;
  }

  /** Sets the stored counter, e.g. back to an earlier value to emulate a cloned authenticator. */
  setCounter(credentialId: string, counter: number): void {
    assertUint32(counter, 'counter');
    this.#credential(credentialId).counter = counter;
  }

  /** `navigator.credentials.create({ publicKey })` + `RegistrationResponseJSON` serialisation. */
  async createCredential(
    options: PublicKeyCredentialCreationOptionsJSON,
    overrides: RegistrationOverrides = {},
  ): Promise<RegistrationResponseJSON> {
    // [[Create]] step: rpId defaults to the origin's effective domain and must be a registrable
    // domain suffix of it, unless the test explicitly fakes the origin or the RP ID.
    const rpId = options.rp.id ?? new URL(this.origin).hostname;
    if (overrides.origin === undefined && overrides.rpId === undefined)
      assertRpIdMatchesOrigin(rpId, this.origin);

    // authenticatorMakeCredential step 2: we only do ES256.
    if (!options.pubKeyCredParams.some((p) => p.type === 'public-key' && p.alg === COSE_ALG_ES256)) {
      throw new DOMException(
        'No supported algorithm in pubKeyCredParams (need ES256, -7)',
        'NotSupportedError',
      );
    }
    // authenticatorMakeCredential step 3: refuse if we already hold an excluded credential.
    for (const excluded of options.excludeCredentials ?? []) {
      if (this.#credentials.some((c) => c.id === excluded.id && c.rpId === rpId)) {
        throw new DOMException('The authenticator already holds an excluded credential', 'InvalidStateError');
      }
    }

    const clientDataJSON = collectClientData(
      overrides.type ?? 'webauthn.create',
      overrides.challenge ?? options.challenge,
      overrides.origin ?? this.origin,
    );

    // authenticatorMakeCredential step 7: a new key pair and credential ID. A discoverable
    // credential for the same RP and user replaces any earlier one.
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const rawId =
      overrides.credentialId !== undefined
        ? Buffer.from(overrides.credentialId, 'base64url')
        : randomBytes(this.credentialIdLength);
    const credential: SoftCredential = {
      id: base64url(rawId),
      rpId,
      userHandle: options.user.id,
      userName: options.user.name,
      counter: this.counterStart,
      privateKey,
      publicKey,
      cosePublicKey: coseKeyES256(publicKey),
    };
    this.#forget(
      (c) => c.id === credential.id || (c.rpId === rpId && c.userHandle === credential.userHandle),
    );
    this.#credentials.push(credential);

    // §6.5.1 attested credential data: aaguid ‖ credentialIdLength (uint16 BE) ‖ credentialId ‖ COSE_Key.
    const credentialIdLength = new Uint8Array(2);
    new DataView(credentialIdLength.buffer).setUint16(0, rawId.length);
    const attestedCredentialData = concat(this.aaguid, credentialIdLength, rawId, credential.cosePublicKey);

    const authenticatorData = this.#authenticatorData({
      rpId: overrides.rpId ?? rpId,
      userPresent: overrides.userPresent ?? true,
      userVerified: overrides.userVerified ?? true,
      signCount: overrides.counter ?? credential.counter,
      attestedCredentialData,
    });

    // §8.7 "none" attestation: empty attStmt. Key order fmt, attStmt, authData is CTAP2 canonical.
    const attestationObject = encodeCbor(
      new Map<string, CborValue>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authenticatorData],
      ]),
    );

    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      response: {
        clientDataJSON: base64url(clientDataJSON),
        attestationObject: base64url(attestationObject),
        // What AuthenticatorAttestationResponse.getTransports()/getPublicKeyAlgorithm()/
        // getPublicKey()/getAuthenticatorData() return; the browser library copies them into the JSON.
        transports: ['internal'] satisfies AuthenticatorTransport[],
        publicKeyAlgorithm: COSE_ALG_ES256,
        publicKey: base64url(publicKey.export({ type: 'spki', format: 'der' })),
        authenticatorData: base64url(authenticatorData),
      },
      // A platform passkey is always discoverable, which is what credProps reports when asked.
      clientExtensionResults: options.extensions?.credProps ? { credProps: { rk: true } } : {},
      authenticatorAttachment: 'platform',
    };
  }

  /** `navigator.credentials.get({ publicKey })` + `AuthenticationResponseJSON` serialisation. */
  async getAssertion(
    options: PublicKeyCredentialRequestOptionsJSON,
    overrides: AssertionOverrides = {},
  ): Promise<AuthenticationResponseJSON> {
    // [[DiscoverFromExternalSource]]: same RP ID defaulting and check as at registration.
    const rpId = options.rpId ?? new URL(this.origin).hostname;
    if (overrides.origin === undefined && overrides.rpId === undefined)
      assertRpIdMatchesOrigin(rpId, this.origin);

    const credential = this.#selectCredential(rpId, options, overrides.credentialId);

    const clientDataJSON = collectClientData(
      overrides.type ?? 'webauthn.get',
      overrides.challenge ?? options.challenge,
      overrides.origin ?? this.origin,
    );

    // authenticatorGetAssertion step 9: increment the signature counter.
    credential.counter = (credential.counter + this.counterStep) >>> 0;
    const authenticatorData = this.#authenticatorData({
      rpId: overrides.rpId ?? rpId,
      userPresent: overrides.userPresent ?? true,
      userVerified: overrides.userVerified ?? true,
      signCount: overrides.counter ?? credential.counter,
    });

    // authenticatorGetAssertion step 11: sign authenticatorData ‖ SHA-256(clientDataJSON).
    // node:crypto emits ECDSA signatures DER-encoded, which is what real authenticators send.
    const signature = sign(
      'sha256',
      concat(authenticatorData, sha256(clientDataJSON)),
      credential.privateKey,
    );
    if (overrides.tamperSignature) {
      // The last byte belongs to the DER INTEGER `s`: the structure stays valid, the value not.
      signature[signature.length - 1]! ^= 0x01;
    }

    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      response: {
        clientDataJSON: base64url(clientDataJSON),
        authenticatorData: base64url(authenticatorData),
        signature: base64url(signature),
        userHandle: credential.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** authenticatorGetAssertion steps 1–6: find the credential to use. */
  #selectCredential(
    rpId: string,
    options: PublicKeyCredentialRequestOptionsJSON,
    forcedId: string | undefined,
  ): SoftCredential {
    if (forcedId !== undefined) return this.#credential(forcedId);
    const forRp = this.#credentials.filter((c) => c.rpId === rpId);
    const allow = options.allowCredentials ?? [];
    // A non-empty allowCredentials names the acceptable credentials; otherwise any discoverable
    // credential for the RP will do. A browser would show a picker; we take the newest.
    const candidates = allow.length > 0 ? forRp.filter((c) => allow.some((a) => a.id === c.id)) : forRp;
    const chosen = candidates.at(-1);
    if (!chosen)
      throw new DOMException(`No credential for RP ID "${rpId}" on this authenticator`, 'NotAllowedError');
    return chosen;
  }

  /** §6.1 authenticator data: rpIdHash ‖ flags ‖ signCount (uint32 BE) ‖ [attestedCredentialData]. */
  #authenticatorData(parts: {
    rpId: string;
    userPresent: boolean;
    userVerified: boolean;
    signCount: number;
    attestedCredentialData?: Uint8Array;
  }): Uint8Array {
    assertUint32(parts.signCount, 'signCount');
    let flags = 0;
    if (parts.userPresent) flags |= AuthenticatorFlags.UP;
    if (parts.userVerified) flags |= AuthenticatorFlags.UV;
    if (this.backupEligible) flags |= AuthenticatorFlags.BE;
    if (this.backupState) flags |= AuthenticatorFlags.BS;
    if (parts.attestedCredentialData) flags |= AuthenticatorFlags.AT;
    const flagsAndCount = new Uint8Array(5);
    flagsAndCount[0] = flags;
    new DataView(flagsAndCount.buffer).setUint32(1, parts.signCount);
    return concat(sha256(parts.rpId), flagsAndCount, parts.attestedCredentialData ?? new Uint8Array());
  }

  #credential(id: string): SoftCredential {
    const credential = this.#credentials.find((c) => c.id === id);
    if (!credential) throw new Error(`SoftAuthenticator holds no credential ${id}`);
    return credential;
  }

  #forget(predicate: (c: SoftCredential) => boolean): void {
    for (let i = this.#credentials.length - 1; i >= 0; i--) {
      if (predicate(this.#credentials[i]!)) this.#credentials.splice(i, 1);
    }
  }
}

/**
 * [[Create]] / [[DiscoverFromExternalSource]]: "If options.rp.id is not a registrable domain
 * suffix of and is not equal to effectiveDomain, throw a SecurityError". IP addresses have no
 * registrable suffixes, so only equality works for them. (No public suffix list here: tests
 * don't need to be protected from registering `com`.)
 */
export function assertRpIdMatchesOrigin(rpId: string, origin: string): void {
  const host = new URL(origin).hostname.toLowerCase();
  const id = rpId.toLowerCase();
  const isIp = /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.startsWith('[');
  const matches = host === id || (!isIp && id.length > 0 && !id.startsWith('.') && host.endsWith(`.${id}`));
  if (!matches) {
    throw new DOMException(
      `RP ID "${rpId}" is not a registrable domain suffix of origin ${origin}; pass an origin or rpId override to do this on purpose`,
      'SecurityError',
    );
  }
}

/** §5.8.1 CollectedClientData, serialised with the member order browsers use. */
function collectClientData(type: string, challenge: string, origin: string): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
}

/** The EC2 COSE_Key (RFC 9053 §7.1.1) for a P-256 public key: {1: 2, 3: -7, -1: 1, -2: x, -3: y}. */
function coseKeyES256(publicKey: KeyObject): Uint8Array {
  const jwk = publicKey.export({ format: 'jwk' });
  if (!jwk.x || !jwk.y) throw new Error('expected an EC public key');
  return encodeCbor(
    new Map<number, number | Uint8Array>([
      [1, 2], // kty: EC2
      [3, COSE_ALG_ES256], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, Buffer.from(jwk.x, 'base64url')], // x, 32 bytes
      [-3, Buffer.from(jwk.y, 'base64url')], // y, 32 bytes
    ]),
  );
}

function sha256(data: Uint8Array | string): Uint8Array {
  return createHash('sha256').update(data).digest();
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

function assertUint32(n: number, name: string): void {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new RangeError(`${name} must be a uint32, got ${n}`);
}

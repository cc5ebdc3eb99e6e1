// The software authenticator against the real verifier (@simplewebauthn/server): its responses
// verify, and every deliberate deviation is rejected. Plus the CBOR codec against RFC 8949 vectors.
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type WebAuthnCredential,
} from '@simplewebauthn/server';
import { describe, expect, it } from 'vitest';
import { type CborValue, decodeCbor, encodeCbor } from './cbor.js';
import { AuthenticatorFlags, SoftAuthenticator } from './softAuthenticator.js';

const ORIGIN = 'http://localhost:8787';
const RP_ID = 'localhost';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const fromB64u = (s: string) => new Uint8Array(Buffer.from(s, 'base64url'));

async function registrationOptions(excludeCredentials: { id: string }[] = []) {
  return generateRegistrationOptions({
    rpName: 'wallet-attest tests',
    rpID: RP_ID,
    userName: 'alice',
    userID: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]),
    attestationType: 'none',
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    excludeCredentials,
  });
}

async function register(
  authenticator: SoftAuthenticator,
  options?: PublicKeyCredentialCreationOptionsJSON,
): Promise<WebAuthnCredential> {
  const opts = options ?? (await registrationOptions());
  const response = await authenticator.createCredential(opts);
  const verification = await verifyRegistrationResponse({
    response,
    expectedChallenge: opts.challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    requireUserVerification: true,
  });
  expect(verification.verified).toBe(true);
  return verification.registrationInfo!.credential;
}

function verifyAssertion(
  response: AuthenticationResponseJSON,
  challenge: string,
  credential: WebAuthnCredential,
) {
  return verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    credential,
    requireUserVerification: true,
  });
}

describe('SoftAuthenticator registration', () => {
  it('produces a response the real verifier accepts, with the expected shape', async () => {
    const authenticator = new SoftAuthenticator({ origin: ORIGIN });
    const options = await registrationOptions();
    const response = await authenticator.createCredential(options);

    const verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: options.challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      requireUserVerification: true,
    });
    expect(verification.verified).toBe(true);
    const info = verification.registrationInfo!;
    expect(info.fmt).toBe('none');
    expect(info.userVerified).toBe(true);
    expect(info.credentialDeviceType).toBe('singleDevice');
    expect(info.credential.id).toBe(response.id);
    expect(info.credential.counter).toBe(0);

    expect(response).toMatchObject({
      rawId: response.id,
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: { credProps: { rk: true } }, // options ask for credProps by default
      response: { transports: ['internal'], publicKeyAlgorithm: -7 },
    });
    expect(fromB64u(response.id).length).toBeGreaterThanOrEqual(16);
    expect(fromB64u(response.id).length).toBeLessThanOrEqual(32);

    const clientData = JSON.parse(Buffer.from(response.response.clientDataJSON, 'base64url').toString());
    expect(clientData).toEqual({
      type: 'webauthn.create',
      challenge: options.challenge,
      origin: ORIGIN,
      crossOrigin: false,
    });

    // attestationObject = {fmt: 'none', attStmt: {}, authData}, and authData is echoed in the JSON.
    const attestation = decodeCbor(fromB64u(response.response.attestationObject)) as Map<string, CborValue>;
    expect([...attestation.keys()]).toEqual(['fmt', 'attStmt', 'authData']);
    expect(attestation.get('fmt')).toBe('none');
    expect(attestation.get('attStmt')).toEqual(new Map());
    const authData = attestation.get('authData') as Uint8Array;
    expect(hex(authData)).toBe(hex(fromB64u(response.response.authenticatorData!)));
    expect(authData[32]).toBe(AuthenticatorFlags.UP | AuthenticatorFlags.UV | AuthenticatorFlags.AT);

    // The SPKI public key and the COSE key are the same key.
    const held = authenticator.credentials[0]!;
    expect(hex(fromB64u(response.response.publicKey!))).toBe(
      hex(held.publicKey.export({ type: 'spki', format: 'der' })),
    );
    const cose = decodeCbor(info.credential.publicKey) as Map<number, CborValue>;
    expect([...cose.keys()]).toEqual([1, 3, -1, -2, -3]);
    expect([cose.get(1), cose.get(3), cose.get(-1)]).toEqual([2, -7, 1]);
    expect((cose.get(-2) as Uint8Array).length).toBe(32);
    expect((cose.get(-3) as Uint8Array).length).toBe(32);

    expect(held).toMatchObject({ id: response.id, rpId: RP_ID, userHandle: options.user.id, counter: 0 });
  });

  it('reports backup eligibility/state when configured', async () => {
    const authenticator = new SoftAuthenticator({ origin: ORIGIN, backupEligible: true, backupState: true });
    const options = await registrationOptions();
    const verification = await verifyRegistrationResponse({
      response: await authenticator.createCredential(options),
      expectedChallenge: options.challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
    });
    expect(verification.registrationInfo).toMatchObject({
      credentialDeviceType: 'multiDevice',
      credentialBackedUp: true,
    });
  });

  it('refuses an RP ID that does not belong to the origin unless overridden', async () => {
    const authenticator = new SoftAuthenticator({ origin: ORIGIN });
    const options = { ...(await registrationOptions()), rp: { name: 'x', id: 'example.com' } };
    await expect(authenticator.createCredential(options)).rejects.toMatchObject({ name: 'SecurityError' });
    // a registrable suffix of the host is fine
    await expect(
      new SoftAuthenticator({ origin: 'https://login.example.com' }).createCredential(options),
    ).resolves.toMatchObject({ type: 'public-key' });
    // ...but not a mere string suffix
    await expect(
      new SoftAuthenticator({ origin: 'https://notexample.com' }).createCredential(options),
    ).rejects.toMatchObject({ name: 'SecurityError' });
  });

  it('refuses when it already holds an excluded credential', async () => {
    const authenticator = new SoftAuthenticator({ origin: ORIGIN });
    const credential = await register(authenticator);
    await expect(
      authenticator.createCredential(await registrationOptions([{ id: credential.id }])),
    ).rejects.toMatchObject({ name: 'InvalidStateError' });
  });

  describe('is rejected by the verifier with', () => {
    async function rejected(
      overrides: Parameters<SoftAuthenticator['createCredential']>[1],
      message: RegExp,
    ) {
      const options = await registrationOptions();
      const response = await new SoftAuthenticator({ origin: ORIGIN }).createCredential(options, overrides);
      await expect(
        verifyRegistrationResponse({
          response,
          expectedChallenge: options.challenge,
          expectedOrigin: ORIGIN,
          expectedRPID: RP_ID,
          requireUserVerification: true,
        }),
      ).rejects.toThrow(message);
    }

    it('a wrong origin', () => rejected({ origin: 'https://evil.example' }, /origin/i));
    it('a wrong RP ID hash', () => rejected({ rpId: 'evil.example' }, /RP ID/i));
    it('the UV flag cleared', () => rejected({ userVerified: false }, /user could not be verified/i));
    it('the UP flag cleared', () => rejected({ userPresent: false }, /user (was )?not present/i));
    it('a changed challenge', () => rejected({ challenge: 'c29tZXRoaW5nLWVsc2U' }, /challenge/i));
    it('a wrong clientData type', () => rejected({ type: 'webauthn.get' }, /type/i));
  });
});

describe('SoftAuthenticator authentication', () => {
  it('signs discoverable assertions the real verifier accepts, counting up', async () => {
    const authenticator = new SoftAuthenticator({ origin: ORIGIN });
    const credential = await register(authenticator);

    for (const expectedCounter of [1, 2]) {
      // no allowCredentials: the authenticator finds the resident credential for the RP ID
      const options = await generateAuthenticationOptions({ rpID: RP_ID, userVerification: 'required' });
      const response = await authenticator.getAssertion(options);
      expect(response.id).toBe(credential.id);
      expect(response.response.userHandle).toBe(authenticator.credentials[0]!.userHandle);
      const clientData = JSON.parse(Buffer.from(response.response.clientDataJSON, 'base64url').toString());
      expect(clientData).toEqual({
        type: 'webauthn.get',
        challenge: options.challenge,
        origin: ORIGIN,
        crossOrigin: false,
      });
      // DER: SEQUENCE { INTEGER r, INTEGER s }
      expect(fromB64u(response.response.signature)[0]).toBe(0x30);

      const verification = await verifyAssertion(response, options.challenge, credential);
      expect(verification.verified).toBe(true);
      expect(verification.authenticationInfo.newCounter).toBe(expectedCounter);
      expect(verification.authenticationInfo.userVerified).toBe(true);
      credential.counter = verification.authenticationInfo.newCounter;
    }
  });

  it('honours allowCredentials and the counter settings', async () => {
    const authenticator = new SoftAuthenticator({ origin: ORIGIN, counterStart: 100, counterStep: 7 });
    const first = await register(authenticator);
    // a second account on the same authenticator (another user handle)
    const secondOptions = await generateRegistrationOptions({ rpName: 'x', rpID: RP_ID, userName: 'bob' });
    const second = await register(authenticator, secondOptions);
    expect(first.counter).toBe(100);

    const options = await generateAuthenticationOptions({
      rpID: RP_ID,
      allowCredentials: [{ id: first.id }],
    });
    const response = await authenticator.getAssertion(options);
    expect(response.id).toBe(first.id);
    const verification = await verifyAssertion(response, options.challenge, first);
    expect(verification.authenticationInfo.newCounter).toBe(107);

    // an authenticator without a counter always reports 0, which the verifier accepts
    const counterless = new SoftAuthenticator({ origin: ORIGIN, counterStep: 0 });
    const credential = await register(counterless);
    for (let i = 0; i < 2; i++) {
      const opts = await generateAuthenticationOptions({ rpID: RP_ID });
      const verified = await verifyAssertion(
        await counterless.getAssertion(opts),
        opts.challenge,
        credential,
      );
      expect(verified.authenticationInfo.newCounter).toBe(0);
    }

    // overrides.credentialId picks a credential explicitly
    const forced = await authenticator.getAssertion(options, { credentialId: second.id });
    expect(forced.id).toBe(second.id);
  });

  it('refuses without a matching credential, or for a foreign RP ID', async () => {
    const authenticator = new SoftAuthenticator({ origin: ORIGIN });
    const options = await generateAuthenticationOptions({ rpID: RP_ID });
    await expect(authenticator.getAssertion(options)).rejects.toMatchObject({ name: 'NotAllowedError' });
    await register(authenticator);
    await expect(
      authenticator.getAssertion(
        await generateAuthenticationOptions({ rpID: RP_ID, allowCredentials: [{ id: 'AAAA' }] }),
      ),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(
      authenticator.getAssertion(await generateAuthenticationOptions({ rpID: 'evil.example' })),
    ).rejects.toMatchObject({ name: 'SecurityError' });
  });

  describe('is rejected by the verifier with', () => {
    async function rejected(
      overrides: Parameters<SoftAuthenticator['getAssertion']>[1],
      message: RegExp,
      prepare?: (authenticator: SoftAuthenticator, credential: WebAuthnCredential) => void,
    ) {
      const authenticator = new SoftAuthenticator({ origin: ORIGIN });
      const credential = await register(authenticator);
      prepare?.(authenticator, credential);
      const options = await generateAuthenticationOptions({ rpID: RP_ID });
      const response = await authenticator.getAssertion(options, overrides);
      await expect(verifyAssertion(response, options.challenge, credential)).rejects.toThrow(message);
    }

    it('a wrong origin', () => rejected({ origin: 'https://evil.example' }, /origin/i));
    it('a wrong RP ID hash', () => rejected({ rpId: 'evil.example' }, /RP ID/i));
    it('the UV flag cleared', () => rejected({ userVerified: false }, /user could not be verified/i));
    it('the UP flag cleared', () => rejected({ userPresent: false }, /user (was )?not present/i));
    it('a changed challenge', () => rejected({ challenge: 'c29tZXRoaW5nLWVsc2U' }, /challenge/i));
    it('a wrong clientData type', () => rejected({ type: 'webauthn.create' }, /type/i));

    it('a tampered signature', async () => {
      const authenticator = new SoftAuthenticator({ origin: ORIGIN });
      const credential = await register(authenticator);
      const options = await generateAuthenticationOptions({ rpID: RP_ID });
      const response = await authenticator.getAssertion(options, { tamperSignature: true });
      // the signature is still well-formed DER, it just does not verify
      const verification = await verifyAssertion(response, options.challenge, credential);
      expect(verification.verified).toBe(false);
    });

    it('a counter that went backwards (cloned authenticator)', async () => {
      const authenticator = new SoftAuthenticator({ origin: ORIGIN });
      const credential = await register(authenticator);
      for (let i = 0; i < 3; i++) {
        const options = await generateAuthenticationOptions({ rpID: RP_ID });
        const verification = await verifyAssertion(
          await authenticator.getAssertion(options),
          options.challenge,
          credential,
        );
        credential.counter = verification.authenticationInfo.newCounter;
      }
      expect(credential.counter).toBe(3);
      authenticator.setCounter(credential.id, 1); // the clone reports 2 next
      const options = await generateAuthenticationOptions({ rpID: RP_ID });
      await expect(
        verifyAssertion(await authenticator.getAssertion(options), options.challenge, credential),
      ).rejects.toThrow(/counter/i);
    });

    it('a forced signCount not above the stored one', () =>
      rejected({ counter: 5 }, /counter/i, (_, credential) => {
        credential.counter = 9;
      }));
  });
});

describe('CBOR encoder (RFC 8949 Appendix A)', () => {
  const vectors: [CborValue, string][] = [
    [0, '00'],
    [1, '01'],
    [10, '0a'],
    [23, '17'],
    [24, '1818'],
    [25, '1819'],
    [100, '1864'],
    [1000, '1903e8'],
    [1000000, '1a000f4240'],
    [1000000000000, '1b000000e8d4a51000'],
    [-1, '20'],
    [-10, '29'],
    [-100, '3863'],
    [-1000, '3903e7'],
    [false, 'f4'],
    [true, 'f5'],
    [null, 'f6'],
    [new Uint8Array(), '40'],
    [new Uint8Array([1, 2, 3, 4]), '4401020304'],
    ['', '60'],
    ['a', '6161'],
    ['IETF', '6449455446'],
    ['"\\', '62225c'],
    ['\u00fc', '62c3bc'],
    ['\u6c34', '63e6b0b4'],
    ['\u{10151}', '64f0908591'],
    [[], '80'],
    [[1, 2, 3], '83010203'],
    [[1, [2, 3], [4, 5]], '8301820203820405'],
    [[1, [2, 3]], '8201820203'],
    [
      Array.from({ length: 25 }, (_, i) => i + 1),
      '98190102030405060708090a0b0c0d0e0f101112131415161718181819',
    ],
    [{}, 'a0'],
    [
      new Map([
        [1, 2],
        [3, 4],
      ]),
      'a201020304',
    ],
    [{ a: 1, b: [2, 3] }, 'a26161016162820203'],
    [['a', { b: 'c' }], '826161a161626163'],
    [{ a: 'A', b: 'B', c: 'C', d: 'D', e: 'E' }, 'a56161614161626142616361436164614461656145'],
  ];

  it.each(vectors)('encodes %o as %s and decodes it back', (value, expected) => {
    const encoded = encodeCbor(value);
    expect(hex(encoded)).toBe(expected);
    const decoded = decodeCbor(encoded);
    // objects decode to Maps (keys may be integers), so compare after re-encoding
    expect(hex(encodeCbor(decoded))).toBe(expected);
  });

  it('rejects what it does not support', () => {
    expect(() => encodeCbor(1.5)).toThrow(/integer/);
    expect(() => decodeCbor(Uint8Array.of(0x00, 0x00))).toThrow(/trailing/);
    expect(() => decodeCbor(Uint8Array.of(0x9f, 0xff))).toThrow(/indefinite/);
    expect(() => decodeCbor(Uint8Array.of(0x19, 0x03))).toThrow(/end of input/);
  });
});

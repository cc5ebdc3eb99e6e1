// OCSP as a revocation source, against a pkijs OCSP responder on loopback HTTP.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IdentityCheckUnavailableError, IdentityVerificationFailedError } from '../../src/domain/errors.js';
import {
  type RevocationMethod,
  verifyEidSignature,
  type X509RefusalReason,
} from '../../src/domain/identity/x509/verifyEidSignature.js';
import { ocspOverHttp } from '../../src/identity/x509Source.js';
import { type OcspResponder, startOcspResponder } from '../helpers/ocspResponder.js';
import {
  createCrl,
  createOcspResponderCertificate,
  createRootCa,
  createTestPki,
  signChallengeCms,
  type TestCitizen,
  type TestPki,
} from '../helpers/pki.js';

let pki: TestPki;
let responder: OcspResponder;

beforeAll(async () => {
  pki = await createTestPki();
  responder = await startOcspResponder(pki.intermediate);
});
afterAll(() => responder.close());
beforeEach(() => responder.reset());

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function verify(
  citizen: TestCitizen,
  o: { revocation?: RevocationMethod[]; crls?: string[]; url?: string } = {},
) {
  const challenge = crypto.getRandomValues(new Uint8Array(32));
  const signedData = await signChallengeCms({
    challenge,
    signerKey: citizen.keys.privateKey,
    signerCert: citizen.cert,
    extraCerts: [pki.intermediate.cert],
  });
  return verifyEidSignature({
    signedData,
    challenge,
    // The root's CRL covers the intermediate; OCSP (or the intermediate's CRL) the citizen.
    trust: { ...pki.trust, crls: o.crls ?? [pki.rootCrl.pem], revocation: o.revocation ?? ['ocsp'] },
    now: new Date(),
    ocsp: ocspOverHttp(o.url ?? responder.url, 2, fetch),
  });
}

async function refusal(promise: Promise<unknown>): Promise<X509RefusalReason> {
  const error = await promise.then(
    () => expect.fail('expected a refusal'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IdentityVerificationFailedError);
  return (error as IdentityVerificationFailedError).extensions.reason as X509RefusalReason;
}

describe('OCSP revocation checks', () => {
  it('accepts a certificate the responder reports good, signed by the issuing CA', async () => {
    const claims = await verify(pki.citizens.rsa);
    expect(claims.nationalId).toBe(pki.citizens.rsa.iin);
    expect(responder.requests).toBeGreaterThan(0);
  });

  it('accepts an answer from a responder the CA delegated (OCSPSigning)', async () => {
    responder.behaviour.signer = await createOcspResponderCertificate({ issuer: pki.intermediate });
    await expect(verify(pki.citizens.ecdsa)).resolves.toMatchObject({ nationalId: pki.citizens.ecdsa.iin });
  });

  it('refuses a revoked certificate', async () => {
    responder.behaviour.revoked.add(hex(pki.citizens.revoked.cert.serialNumber.valueBlock.valueHexView));
    expect(await refusal(verify(pki.citizens.revoked))).toBe('certificate-revoked');
  });

  it('refuses a certificate the responder does not know', async () => {
    responder.behaviour.status = 'unknown';
    expect(await refusal(verify(pki.citizens.rsa))).toBe('revocation-unknown');
  });

  it('refuses a stale answer, with or without nextUpdate', async () => {
    responder.behaviour.thisUpdate = new Date(Date.now() - 3 * 24 * 3600 * 1000);
    responder.behaviour.nextUpdate = new Date(Date.now() - 24 * 3600 * 1000);
    expect(await refusal(verify(pki.citizens.rsa))).toBe('ocsp-invalid');
    responder.behaviour.thisUpdate = new Date(Date.now() - 3600 * 1000);
    responder.behaviour.nextUpdate = null;
    expect(await refusal(verify(pki.citizens.rsa))).toBe('ocsp-invalid');
  });

  it('refuses answers from a wrong responder: another CA, or a CA certificate without OCSPSigning', async () => {
    const stranger = await createRootCa({ algorithm: 'ecdsa' });
    responder.behaviour.signer = stranger;
    expect(await refusal(verify(pki.citizens.rsa))).toBe('ocsp-invalid');
    responder.behaviour.signer = await createOcspResponderCertificate({
      issuer: pki.intermediate,
      ocspSigning: false,
    });
    expect(await refusal(verify(pki.citizens.rsa))).toBe('ocsp-invalid');
  });

  it('refuses an answer without our nonce (replay)', async () => {
    responder.behaviour.nonce = 'omit';
    expect(await refusal(verify(pki.citizens.rsa))).toBe('ocsp-invalid');
    responder.behaviour.nonce = 'other';
    expect(await refusal(verify(pki.citizens.rsa))).toBe('ocsp-invalid');
  });

  it('refuses when the responder declines to answer (internalError)', async () => {
    responder.behaviour.responseStatus = 2;
    expect(await refusal(verify(pki.citizens.rsa))).toBe('ocsp-invalid');
  });

  it('answers 503-class unavailability when the responder cannot be reached and OCSP is the only method', async () => {
    const error = await verify(pki.citizens.rsa, { url: 'http://127.0.0.1:9/ocsp' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdentityCheckUnavailableError);
    expect((error as IdentityCheckUnavailableError).status).toBe(503);
  });

  it('falls back to the CRL (X509_REVOCATION=ocsp,crl) when OCSP cannot answer, and the CRL decides', async () => {
    const both = { revocation: ['ocsp', 'crl'] as RevocationMethod[], crls: [pki.rootCrl.pem, pki.crl.pem] };
    responder.behaviour.status = 'unknown';
    await expect(verify(pki.citizens.rsa, both)).resolves.toMatchObject({ nationalId: pki.citizens.rsa.iin });
    expect(await refusal(verify(pki.citizens.revoked, both))).toBe('certificate-revoked');
    await expect(
      verify(pki.citizens.rsa, { ...both, url: 'http://127.0.0.1:9/ocsp' }),
    ).resolves.toMatchObject({ nationalId: pki.citizens.rsa.iin });
    // A revoked answer is conclusive: the CRL is not asked to overrule it.
    responder.reset();
    responder.behaviour.status = 'revoked';
    expect(await refusal(verify(pki.citizens.rsa, both))).toBe('certificate-revoked');
  });

  it('still checks CA certificates by CRL when OCSP covers the signer', async () => {
    const rootCrl = await createCrl({ issuer: pki.root, revoked: [pki.intermediate.cert] });
    expect(await refusal(verify(pki.citizens.rsa, { crls: [rootCrl.pem] }))).toBe('certificate-revoked');
  });
});

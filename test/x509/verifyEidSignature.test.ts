import { beforeAll, describe, expect, it } from 'vitest';
import {
  IdentityVerificationFailedError,
  InvalidNationalIdError,
  MalformedRequestError,
  type ProblemError,
} from '../../src/domain/errors.js';
import {
  parseTrustSettingsPem,
  splitCrlFile,
  verifyEidSignature,
  type X509RefusalReason,
  type X509TrustSettings,
} from '../../src/domain/identity/x509/verifyEidSignature.js';
import {
  type CitizenOptions,
  createCitizenCertificate,
  createCrl,
  createIntermediateCa,
  createRootCa,
  createTestPki,
  generateKeys,
  OID,
  type SignChallengeOptions,
  signChallengeCms,
  type TestCitizen,
  type TestPki,
  validIin,
} from '../helpers/pki.js';

const DAY = 24 * 60 * 60 * 1000;
let pki: TestPki;

beforeAll(async () => {
  pki = await createTestPki({ now: new Date('2025-06-01T12:00:00Z') });
});

function newChallenge(): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(32));
}

/** Signs a fresh challenge as `citizen` (carrying the intermediate) and verifies it. */
async function signAndVerify(
  citizen: TestCitizen,
  o: { trust?: Partial<X509TrustSettings>; now?: Date; cms?: Partial<SignChallengeOptions> } = {},
) {
  const challenge = newChallenge();
  const signedData = await signChallengeCms({
    challenge,
    signerKey: citizen.keys.privateKey,
    signerCert: citizen.cert,
    extraCerts: [pki.intermediate.cert],
    ...o.cms,
  });
  return verifyEidSignature({
    signedData,
    challenge,
    trust: { ...pki.trust, ...o.trust },
    now: o.now ?? pki.now,
  });
}

function citizen(o: Partial<CitizenOptions> = {}): Promise<TestCitizen> {
  return createCitizenCertificate({ issuer: pki.intermediate, now: pki.now, algorithm: 'ecdsa', ...o });
}

async function failure(promise: Promise<unknown>): Promise<ProblemError> {
  const error = await promise.then(
    () => expect.fail('expected a refusal'),
    (e: unknown) => e,
  );
  // Whatever went wrong, no detail may disclose a national ID.
  expect((error as Error).message).not.toMatch(/\d{12}/);
  return error as ProblemError;
}

async function expectRefused(
  promise: Promise<unknown>,
  reason: X509RefusalReason,
  detail?: RegExp,
): Promise<void> {
  const error = await failure(promise);
  expect(error).toBeInstanceOf(IdentityVerificationFailedError);
  expect(error.extensions.reason).toBe(reason);
  if (detail) expect(error.message).toMatch(detail);
}

describe('verifyEidSignature: accepted signatures', () => {
  it('derives the identity from an RSA citizen certificate', async () => {
    await expect(signAndVerify(pki.citizens.rsa)).resolves.toEqual({
      source: 'x509',
      country: 'KZ',
      nationalId: '900101300007',
      givenName: 'АЙГЕРИМ',
      familyName: 'САПАРОВА',
      patronymic: 'ҚАНАТҚЫЗЫ',
      birthDate: '1990-01-01',
      level: 'high',
    });
  });

  it('derives the identity from an ECDSA P-256 citizen certificate', async () => {
    await expect(signAndVerify(pki.citizens.ecdsa)).resolves.toEqual({
      source: 'x509',
      country: 'KZ',
      nationalId: '850315400124',
      givenName: 'ЕРЛАН',
      familyName: 'ЖУМАБЕКОВ',
      patronymic: 'ҚАНАТҚЫЗЫ',
      birthDate: '1985-03-15',
      level: 'high',
    });
  });

  it('accepts detached content, taking the challenge as the content', async () => {
    const claims = await signAndVerify(pki.citizens.ecdsa, { cms: { detached: true } });
    expect(claims.nationalId).toBe('850315400124');
  });

  it('accepts a signature made directly over the content, without signed attributes', async () => {
    const claims = await signAndVerify(pki.citizens.rsa, { cms: { signedAttributes: false } });
    expect(claims.nationalId).toBe('900101300007');
  });

  it('finds the signer certificate by subject key identifier', async () => {
    const claims = await signAndVerify(pki.citizens.ecdsa, { cms: { signerId: 'subjectKeyIdentifier' } });
    expect(claims.nationalId).toBe('850315400124');
  });

  it('accepts RSA-PSS', async () => {
    const pss = await citizen({ algorithm: 'rsa-pss', iin: validIin('77120230001') });
    expect((await signAndVerify(pss)).nationalId).toBe('771202300011');
  });

  it('finds intermediates in the trust settings when the CMS carries none', async () => {
    const claims = await signAndVerify(pki.citizens.rsa, {
      cms: { extraCerts: [] },
      trust: { intermediates: [pki.intermediate.pem] },
    });
    expect(claims.nationalId).toBe('900101300007');
  });

  it('accepts a missing CRL when CRLs are not required', async () => {
    const claims = await signAndVerify(pki.citizens.rsa, { trust: { crls: [], requireCrl: false } });
    expect(claims.nationalId).toBe('900101300007');
  });

  it('splits CN "FAMILY GIVEN" when GN and SN are absent', async () => {
    const plain = await citizen({ givenName: null, familyName: null, commonName: 'ТЕСТОВ ТЕСТ' });
    const claims = await signAndVerify(plain);
    expect(claims).toMatchObject({ givenName: 'ТЕСТ', familyName: 'ТЕСТОВ' });
  });
});

describe('verifyEidSignature: NCA RK certificates', () => {
  it('reads G as the patronymic and the given name from CN, keeping Kazakh and Russian letters', async () => {
    const holder = await citizen({
      familyName: 'ӘБІЛҚАЙЫРОВ',
      givenName: 'НҰРСҰЛТАН ҒАЛЫМҰЛЫ',
      patronymic: 'ЕРЖАНОВИЧ',
    });
    expect(await signAndVerify(holder)).toMatchObject({
      familyName: 'ӘБІЛҚАЙЫРОВ',
      givenName: 'НҰРСҰЛТАН ҒАЛЫМҰЛЫ',
      patronymic: 'ЕРЖАНОВИЧ',
    });
  });

  it('accepts a SIGN certificate (emailProtection, nonRepudiation) of a private person', async () => {
    const sign = await citizen({
      keyUsage: ['digitalSignature', 'nonRepudiation'],
      extendedKeyUsage: [OID.emailProtection, OID.ncaIndividual],
    });
    expect((await signAndVerify(sign)).nationalId).toBe(validIin());
  });

  it('refuses organisation certificates (head, employee, the organisation itself)', async () => {
    for (const role of [OID.ncaOrganisation, OID.ncaOrganisationHead, OID.ncaOrganisationEmployee]) {
      const employee = await citizen({ extendedKeyUsage: [OID.clientAuth, role] });
      await expectRefused(signAndVerify(employee), 'holder-role', /organisation/);
    }
  });

  it('refuses a certificate without the private-person role unless the role is not required', async () => {
    const plain = await citizen({ extendedKeyUsage: [OID.clientAuth] });
    await expectRefused(signAndVerify(plain), 'holder-role', /private-person role/);
    const claims = await signAndVerify(plain, { trust: { requireIndividualRole: false } });
    expect(claims.nationalId).toBe(validIin());
  });

  it('uses CRLs given as DER bytes (as NCA RK publishes them)', async () => {
    await expectRefused(
      signAndVerify(pki.citizens.revoked, { trust: { crls: [pki.rootCrl.der, pki.crl.der] } }),
      'certificate-revoked',
    );
    const claims = await signAndVerify(pki.citizens.rsa, { trust: { crls: [pki.rootCrl.der, pki.crl.der] } });
    expect(claims.nationalId).toBe('900101300007');
    expect(splitCrlFile(pki.crl.der)).toEqual([pki.crl.der]);
    expect(splitCrlFile(new TextEncoder().encode(pki.crl.pem))).toEqual([pki.crl.pem.trim()]);
  });
});

describe('verifyEidSignature: refusals', () => {
  it('refuses signed content that differs from the challenge', async () => {
    const signedData = await signChallengeCms({
      challenge: new TextEncoder().encode('another challenge'),
      signerKey: pki.citizens.rsa.keys.privateKey,
      signerCert: pki.citizens.rsa.cert,
      extraCerts: [pki.intermediate.cert],
    });
    await expectRefused(
      verifyEidSignature({ signedData, challenge: newChallenge(), trust: pki.trust, now: pki.now }),
      'content-mismatch',
    );
  });

  it('refuses a detached signature over other content', async () => {
    const signedData = await signChallengeCms({
      challenge: newChallenge(),
      signerKey: pki.citizens.ecdsa.keys.privateKey,
      signerCert: pki.citizens.ecdsa.cert,
      extraCerts: [pki.intermediate.cert],
      detached: true,
    });
    await expectRefused(
      verifyEidSignature({ signedData, challenge: newChallenge(), trust: pki.trust, now: pki.now }),
      'bad-signature',
    );
  });

  it('refuses a tampered signature', async () => {
    await expectRefused(signAndVerify(pki.citizens.rsa, { cms: { tamper: 'signature' } }), 'bad-signature');
    await expectRefused(signAndVerify(pki.citizens.ecdsa, { cms: { tamper: 'signature' } }), 'bad-signature');
  });

  it('refuses signed attributes whose messageDigest is not the content digest', async () => {
    await expectRefused(
      signAndVerify(pki.citizens.ecdsa, { cms: { tamper: 'message-digest' } }),
      'bad-signature',
      /messageDigest/,
    );
  });

  it('refuses an expired certificate', async () => {
    const expired = await citizen({
      notBefore: new Date(pki.now.getTime() - 400 * DAY),
      notAfter: new Date(pki.now.getTime() - DAY),
    });
    await expectRefused(signAndVerify(expired), 'certificate-expired');
  });

  it('refuses a certificate that is not yet valid', async () => {
    const early = await citizen({ notBefore: new Date(pki.now.getTime() + DAY) });
    await expectRefused(signAndVerify(early), 'certificate-not-yet-valid');
  });

  it('refuses a certificate listed in its issuer CRL', async () => {
    await expectRefused(
      signAndVerify(pki.citizens.revoked),
      'certificate-revoked',
      /^The signer's certificate/,
    );
  });

  it('refuses when the intermediate is listed in the root CRL', async () => {
    const rootCrl = await createCrl({ issuer: pki.root, now: pki.now, revoked: [pki.intermediate.cert] });
    await expectRefused(
      signAndVerify(pki.citizens.rsa, { trust: { crls: [rootCrl.pem, pki.crl.pem] } }),
      'certificate-revoked',
      /^A CA certificate/,
    );
  });

  it('refuses when no CRL covers an issuer and CRLs are required', async () => {
    await expectRefused(
      signAndVerify(pki.citizens.rsa, { trust: { crls: [pki.rootCrl.pem] } }),
      'crl-missing',
    );
  });

  it('refuses an out-of-date CRL (nextUpdate passed)', async () => {
    const stale = await createCrl({
      issuer: pki.intermediate,
      thisUpdate: new Date(pki.now.getTime() - 10 * DAY),
      nextUpdate: new Date(pki.now.getTime() - DAY),
    });
    await expectRefused(
      signAndVerify(pki.citizens.rsa, { trust: { crls: [pki.rootCrl.pem, stale.pem] } }),
      'crl-invalid',
      /out of date/,
    );
  });

  it('refuses a CRL signed by another key than its issuer', async () => {
    const other = await generateKeys('ecdsa');
    const forged = await createCrl({ issuer: pki.intermediate, now: pki.now, signingKey: other.privateKey });
    await expectRefused(
      signAndVerify(pki.citizens.rsa, { trust: { crls: [pki.rootCrl.pem, forged.pem] } }),
      'crl-invalid',
      /not signed by/,
    );
  });

  it('refuses a chain to a CA that is not configured', async () => {
    const rogueRoot = await createRootCa({ now: pki.now, algorithm: 'ecdsa' });
    const rogueIssuing = await createIntermediateCa({ issuer: rogueRoot, now: pki.now });
    const impostor = await createCitizenCertificate({
      issuer: rogueIssuing,
      now: pki.now,
      algorithm: 'ecdsa',
    });
    await expectRefused(
      signAndVerify(impostor, { cms: { extraCerts: [rogueIssuing.cert, rogueRoot.cert] } }),
      'untrusted-chain',
    );
  });

  it('refuses a chain through an intermediate that is not a CA', async () => {
    const notCa = await createIntermediateCa({ issuer: pki.root, now: pki.now, isCa: false });
    const underling = await createCitizenCertificate({ issuer: notCa, now: pki.now, algorithm: 'ecdsa' });
    await expectRefused(
      signAndVerify(underling, { cms: { extraCerts: [notCa.cert] } }),
      'untrusted-chain',
      /not a CA certificate/,
    );
  });

  it('refuses a certificate without digitalSignature key usage', async () => {
    const encipherOnly = await citizen({ keyUsage: ['keyEncipherment'] });
    await expectRefused(signAndVerify(encipherOnly), 'key-usage');
  });

  it('refuses a certificate whose extended key usage is not for authentication', async () => {
    const server = await citizen({ extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'] });
    await expectRefused(signAndVerify(server), 'key-usage');
  });

  it('refuses a subject without serialNumber, or with one that is not IIN + 12 digits', async () => {
    await expectRefused(signAndVerify(await citizen({ iin: null })), 'no-national-id');
    await expectRefused(signAndVerify(await citizen({ serialNumber: 'PAS1234567890' })), 'no-national-id');
  });

  it('refuses an IIN with a wrong check digit with InvalidNationalIdError', async () => {
    const valid = validIin();
    const wrongCheck = valid.slice(0, 11) + ((Number(valid[11]) + 1) % 10);
    const error = await failure(signAndVerify(await citizen({ iin: wrongCheck })));
    expect(error).toBeInstanceOf(InvalidNationalIdError);
    expect(error.message).toBe('The IIN check digit does not match');
  });
});

describe('verifyEidSignature: malformed input', () => {
  const verify = (signedData: Uint8Array) =>
    verifyEidSignature({ signedData, challenge: newChallenge(), trust: pki.trust, now: pki.now });

  it('refuses bytes that are not DER with MalformedRequestError', async () => {
    for (const bytes of [
      new Uint8Array(),
      new TextEncoder().encode('not a signature'),
      new Uint8Array([0x30, 0x82]),
    ]) {
      const error = await failure(verify(bytes));
      expect(error).toBeInstanceOf(MalformedRequestError);
      expect(error.extensions.reason).toBe('malformed-cms');
    }
  });

  it('refuses a truncated CMS and one with trailing bytes', async () => {
    const challenge = newChallenge();
    const cms = await signChallengeCms({
      challenge,
      signerKey: pki.citizens.rsa.keys.privateKey,
      signerCert: pki.citizens.rsa.cert,
    });
    for (const bytes of [cms.slice(0, cms.length - 10), new Uint8Array([...cms, 0])]) {
      const error = await failure(
        verifyEidSignature({ signedData: bytes, challenge, trust: pki.trust, now: pki.now }),
      );
      expect(error).toBeInstanceOf(MalformedRequestError);
      expect(error.extensions.reason).toBe('malformed-cms');
    }
  });

  it('refuses a CMS without the signer certificate', async () => {
    const error = await failure(signAndVerify(pki.citizens.rsa, { cms: { omitSignerCert: true } }));
    expect(error).toBeInstanceOf(MalformedRequestError);
    expect(error.extensions.reason).toBe('malformed-cms');
  });
});

describe('parseTrustSettingsPem', () => {
  it('splits a bundle into PEM blocks and drops the text around them', () => {
    const bundle = `# national roots\n${pki.root.pem}\nsome comment\n${pki.intermediate.pem}`;
    expect(parseTrustSettingsPem(bundle)).toEqual([pki.root.pem.trim(), pki.intermediate.pem.trim()]);
  });

  it('keeps a bare base64 file (a CRL published without PEM armour) as one entry', () => {
    const bare = pki.crl.pem.split('\n').slice(1, -2).join('\n');
    expect(parseTrustSettingsPem(`${bare}\n`)).toEqual([bare]);
    expect(parseTrustSettingsPem('no certificates here')).toEqual([]);
  });

  it('lets the verifier use a bare base64 CRL', async () => {
    const bare = parseTrustSettingsPem(pki.crl.pem.split('\n').slice(1, -2).join('\n'));
    await expectRefused(
      signAndVerify(pki.citizens.revoked, { trust: { crls: [pki.rootCrl.pem, ...bare] } }),
      'certificate-revoked',
    );
  });
});

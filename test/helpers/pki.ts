// A throwaway PKI built at test time (no key material is ever committed): root CA, intermediate
// CA, citizen eID certificates, CRLs, and the citizen's CMS signature over a challenge.
// pkijs over Web Crypto does everything, the same stack the verifier uses.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { iinCheckDigit } from '../../src/domain/identity/nationalId.js';
import type { X509TrustSettings } from '../../src/domain/identity/x509/verifyEidSignature.js';

export type KeyAlgorithm = 'rsa' | 'rsa-pss' | 'ecdsa';
export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'keyCertSign'
  | 'cRLSign';

const KEY_USAGE_BIT: Record<KeyUsageName, number> = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  keyCertSign: 5,
  cRLSign: 6,
};

export const OID = {
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  country: '2.5.4.6',
  organization: '2.5.4.10',
  givenName: '2.5.4.42',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  /** NCA RK holder roles (extendedKeyUsage). */
  ncaIndividual: '1.2.398.3.3.4.1.1',
  ncaOrganisation: '1.2.398.3.3.4.1.2',
  ncaOrganisationHead: '1.2.398.3.3.4.1.2.1',
  ncaOrganisationEmployee: '1.2.398.3.3.4.1.2.5',
  /** GOST 34.10-2015 (256-bit) as NCA RK names it, for keys and signatures. */
  gost2015: '1.2.398.3.10.1.1.2.3.1',
  /** GOST 34.11-2015 (256-bit) digest. */
  gost2015Digest: '1.2.398.3.10.1.3.3',
} as const;

const DAY = 24 * 60 * 60 * 1000;

export interface Issued {
  keys: CryptoKeyPair;
  cert: pkijs.Certificate;
  der: Uint8Array<ArrayBuffer>;
  pem: string;
}
export type TestCa = Issued;
export interface TestCitizen extends Issued {
  /** The 12 digits inside `serialNumber=IIN…`, when the certificate has one. */
  iin?: string;
  givenName?: string;
  familyName?: string;
  patronymic?: string;
}
export interface TestCrl {
  crl: pkijs.CertificateRevocationList;
  der: Uint8Array<ArrayBuffer>;
  pem: string;
}

interface Validity {
  /** Reference time for the defaults below; defaults to the real clock. */
  now?: Date;
  notBefore?: Date;
  notAfter?: Date;
}

/** A valid IIN from its first 11 digits: the check digit comes from the production rule. */
export function validIin(first11 = '90010130000'): string {
  const check = iinCheckDigit(first11);
  if (check === undefined) throw new Error(`No IIN check digit exists for ${first11}; pick other digits`);
  return first11 + check;
}

export async function generateKeys(algorithm: KeyAlgorithm): Promise<CryptoKeyPair> {
  const rsa = { modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
  const params =
    algorithm === 'ecdsa'
      ? { name: 'ECDSA', namedCurve: 'P-256' }
      : { name: algorithm === 'rsa' ? 'RSASSA-PKCS1-v1_5' : 'RSA-PSS', ...rsa };
  return (await crypto.subtle.generateKey(params, false, ['sign', 'verify'])) as CryptoKeyPair;
}

export function toPem(der: Uint8Array, label: string): string {
  let binary = '';
  for (const byte of der) binary += String.fromCharCode(byte);
  const lines = btoa(binary).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function name(attributes: [oid: string, value: string][]): pkijs.RelativeDistinguishedNames {
  return new pkijs.RelativeDistinguishedNames({
    typesAndValues: attributes.map(
      ([type, value]) =>
        new pkijs.AttributeTypeAndValue({
          type,
          // As national CAs do: printable ASCII for codes, UTF-8 for (Cyrillic) names.
          value:
            type === OID.serialNumber || type === OID.country
              ? new asn1js.PrintableString({ value })
              : new asn1js.Utf8String({ value }),
        }),
    ),
  });
}

/** UTCTime until 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
function time(date: Date): pkijs.Time {
  return new pkijs.Time({ type: date.getUTCFullYear() < 2050 ? 0 : 1, value: date });
}

function extension(extnID: string, critical: boolean, value: asn1js.AsnType): pkijs.Extension {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });
}

function keyUsage(usages: KeyUsageName[]): pkijs.Extension {
  const bits = usages.map((usage) => KEY_USAGE_BIT[usage]);
  const highest = Math.max(...bits);
  const bytes = new Uint8Array((highest >> 3) + 1);
  for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  // DER: no trailing zero bits, so the unused-bit count is what follows the highest set bit.
  const unusedBits = bytes.length * 8 - (highest + 1);
  return extension('2.5.29.15', true, new asn1js.BitString({ valueHex: bytes, unusedBits }));
}

function caConstraints(pathLenConstraint?: number): pkijs.Extension {
  const value = new pkijs.BasicConstraints({
    cA: true,
    ...(pathLenConstraint !== undefined && { pathLenConstraint }),
  });
  return extension('2.5.29.19', true, value.toSchema());
}

function randomSerial(): Uint8Array<ArrayBuffer> {
  const serial = crypto.getRandomValues(new Uint8Array(10));
  serial[0] = (serial[0]! & 0x7f) | 0x01; // positive, and no leading zero byte
  return serial;
}

interface IssueOptions extends Validity {
  subject: [string, string][];
  /** undefined: self-signed. */
  issuer?: Issued;
  keys: CryptoKeyPair;
  extensions: pkijs.Extension[];
}

async function issue(o: IssueOptions): Promise<Issued> {
  const now = o.now ?? new Date();
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ valueHex: randomSerial() });
  cert.subject = name(o.subject);
  cert.issuer = o.issuer ? o.issuer.cert.subject : cert.subject;
  cert.notBefore = time(o.notBefore ?? new Date(now.getTime() - 30 * DAY));
  cert.notAfter = time(o.notAfter ?? new Date(now.getTime() + 365 * DAY));
  await cert.subjectPublicKeyInfo.importKey(o.keys.publicKey);
  if (o.extensions.length > 0) cert.extensions = o.extensions;
  await cert.sign((o.issuer?.keys ?? o.keys).privateKey, 'SHA-256');
  // Re-parse so tests hold exactly what a verifier would read from the wire.
  const der = new Uint8Array(cert.toSchema(true).toBER(false));
  return { keys: o.keys, cert: pkijs.Certificate.fromBER(der), der, pem: toPem(der, 'CERTIFICATE') };
}

export async function createRootCa(
  o: Validity & { commonName?: string; algorithm?: KeyAlgorithm } = {},
): Promise<TestCa> {
  return issue({
    ...o,
    subject: [
      [OID.country, 'KZ'],
      [OID.commonName, o.commonName ?? 'Test National Root CA'],
    ],
    keys: await generateKeys(o.algorithm ?? 'rsa'),
    extensions: [caConstraints(), keyUsage(['keyCertSign', 'cRLSign'])],
  });
}

export async function createIntermediateCa(
  o: Validity & { issuer: TestCa; commonName?: string; algorithm?: KeyAlgorithm; isCa?: boolean },
): Promise<TestCa> {
  const isCa = o.isCa ?? true;
  return issue({
    ...o,
    subject: [
      [OID.country, 'KZ'],
      [OID.commonName, o.commonName ?? 'Test National Issuing CA'],
    ],
    keys: await generateKeys(o.algorithm ?? 'ecdsa'),
    // Not a CA: no basicConstraints at all, and an end-entity key usage.
    extensions: isCa
      ? [caConstraints(0), keyUsage(['keyCertSign', 'cRLSign'])]
      : [keyUsage(['digitalSignature'])],
  });
}

export interface CitizenOptions extends Validity {
  issuer: TestCa;
  algorithm?: KeyAlgorithm;
  /** The 12 digits after "IIN"; null leaves out serialNumber. Default: validIin(). */
  iin?: string | null;
  /** Raw serialNumber attribute, overriding `iin` (e.g. 'PASSPORT123'). */
  serialNumber?: string;
  /** Written into CN after the family name, as NCA RK does. */
  givenName?: string | null;
  /** SURNAME, and the start of CN. */
  familyName?: string | null;
  /** G (givenName by its OID): NCA RK writes the patronymic there. */
  patronymic?: string | null;
  /** Default: "FAMILY GIVEN", as Kazakh eID certificates write it. */
  commonName?: string | null;
  keyUsage?: KeyUsageName[];
  /** Default: an NCA RK AUTH certificate of a private person (clientAuth + individual role). */
  extendedKeyUsage?: string[] | null;
}

export async function createCitizenCertificate(o: CitizenOptions): Promise<TestCitizen> {
  const iin = o.iin === null ? undefined : (o.iin ?? validIin());
  const givenName = o.givenName === null ? undefined : (o.givenName ?? 'АЙГЕРИМ');
  const familyName = o.familyName === null ? undefined : (o.familyName ?? 'САПАРОВА');
  const patronymic = o.patronymic === null ? undefined : (o.patronymic ?? 'ҚАНАТҚЫЗЫ');
  const commonName =
    o.commonName === null ? undefined : (o.commonName ?? [familyName, givenName].join(' ').trim());
  const serialNumber = o.serialNumber ?? (iin === undefined ? undefined : `IIN${iin}`);
  const subject: [string, string][] = [];
  if (commonName) subject.push([OID.commonName, commonName]);
  if (familyName) subject.push([OID.surname, familyName]);
  if (serialNumber) subject.push([OID.serialNumber, serialNumber]);
  subject.push([OID.country, 'KZ']);
  if (patronymic) subject.push([OID.givenName, patronymic]);

  const extendedKeyUsage =
    o.extendedKeyUsage === undefined ? [OID.clientAuth, OID.ncaIndividual] : o.extendedKeyUsage;
  const extensions = [keyUsage(o.keyUsage ?? ['digitalSignature', 'keyEncipherment'])];
  if (extendedKeyUsage) {
    extensions.push(
      extension('2.5.29.37', false, new pkijs.ExtKeyUsage({ keyPurposes: extendedKeyUsage }).toSchema()),
    );
  }
  const issued = await issue({ ...o, subject, keys: await generateKeys(o.algorithm ?? 'rsa'), extensions });
  return {
    ...issued,
    ...(iin !== undefined && { iin }),
    ...(givenName && { givenName }),
    ...(familyName && { familyName }),
    ...(patronymic && { patronymic }),
  };
}

/** A delegated OCSP responder (RFC 6960 §4.2.2.2): issued by the CA, extendedKeyUsage OCSPSigning. */
export async function createOcspResponderCertificate(
  o: Validity & { issuer: TestCa; ocspSigning?: boolean },
): Promise<Issued> {
  return issue({
    ...o,
    subject: [
      [OID.country, 'KZ'],
      [OID.commonName, 'Test OCSP Responder'],
    ],
    keys: await generateKeys('ecdsa'),
    extensions: [
      keyUsage(['digitalSignature']),
      extension(
        '2.5.29.37',
        false,
        new pkijs.ExtKeyUsage({
          keyPurposes: o.ocspSigning === false ? [OID.clientAuth] : [OID.ocspSigning],
        }).toSchema(),
      ),
    ],
  });
}

/**
 * A citizen certificate with a GOST 34.10-2015 key and signature, as NCA RK's GOST chain
 * issues them. Nothing in JavaScript can make or check a GOST signature, so the key and
 * signature are random bytes of the right shape: only a verifier that vouches for the
 * certificate (the NCANode fake) accepts it.
 */
export async function createGostCitizenCertificate(
  o: Omit<CitizenOptions, 'algorithm'>,
): Promise<TestCitizen & { gost: true }> {
  const template = await createCitizenCertificate({ ...o, algorithm: 'ecdsa' });
  const cert = pkijs.Certificate.fromBER(template.der);
  cert.subjectPublicKeyInfo = new pkijs.PublicKeyInfo({
    algorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.gost2015 }),
    subjectPublicKey: new asn1js.BitString({ valueHex: crypto.getRandomValues(new Uint8Array(64)) }),
  });
  const gost = new pkijs.AlgorithmIdentifier({ algorithmId: OID.gost2015 });
  cert.signature = gost;
  cert.signatureAlgorithm = gost;
  cert.signatureValue = new asn1js.BitString({ valueHex: crypto.getRandomValues(new Uint8Array(64)) });
  const der = new Uint8Array(cert.toSchema(true).toBER(false));
  return {
    ...template,
    cert: pkijs.Certificate.fromBER(der),
    der,
    pem: toPem(der, 'CERTIFICATE'),
    gost: true,
  };
}

/** A CMS as NCALayer makes it with a GOST key: signed attributes, GOST digest and signature (random bytes). */
export async function gostChallengeCms(o: {
  challenge: Uint8Array;
  signerCert: pkijs.Certificate;
  extraCerts?: pkijs.Certificate[];
  detached?: boolean;
}): Promise<Uint8Array<ArrayBuffer>> {
  const content = new Uint8Array(o.challenge);
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 0,
    attributes: [
      new pkijs.Attribute({
        type: '1.2.840.113549.1.9.3',
        values: [new asn1js.ObjectIdentifier({ value: pkijs.ContentInfo.DATA })],
      }),
      new pkijs.Attribute({
        type: '1.2.840.113549.1.9.4',
        values: [new asn1js.OctetString({ valueHex: crypto.getRandomValues(new Uint8Array(32)) })],
      }),
    ],
  });
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: OID.gost2015Digest })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: pkijs.ContentInfo.DATA,
      ...(!o.detached && { eContent: new asn1js.OctetString({ valueHex: content }) }),
    }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({
          issuer: o.signerCert.issuer,
          serialNumber: o.signerCert.serialNumber,
        }),
        digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.gost2015Digest }),
        signedAttrs,
        signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.gost2015 }),
        signature: new asn1js.OctetString({ valueHex: crypto.getRandomValues(new Uint8Array(64)) }),
      }),
    ],
    certificates: [o.signerCert, ...(o.extraCerts ?? [])],
  });
  const contentInfo = new pkijs.ContentInfo({
    contentType: pkijs.ContentInfo.SIGNED_DATA,
    content: signedData.toSchema(true),
  });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}

export interface CrlOptions {
  issuer: TestCa;
  revoked?: pkijs.Certificate[];
  now?: Date;
  thisUpdate?: Date;
  /** null: a CRL without nextUpdate. */
  nextUpdate?: Date | null;
  /** Sign with another key than the issuer's (a forged CRL). */
  signingKey?: CryptoKey;
}

export async function createCrl(o: CrlOptions): Promise<TestCrl> {
  const now = o.now ?? new Date();
  const thisUpdate = o.thisUpdate ?? new Date(now.getTime() - DAY);
  const crl = new pkijs.CertificateRevocationList();
  crl.version = 1;
  crl.issuer = o.issuer.cert.subject;
  crl.thisUpdate = time(thisUpdate);
  if (o.nextUpdate !== null) crl.nextUpdate = time(o.nextUpdate ?? new Date(now.getTime() + 30 * DAY));
  if (o.revoked?.length) {
    crl.revokedCertificates = o.revoked.map(
      (cert) =>
        new pkijs.RevokedCertificate({
          userCertificate: new asn1js.Integer({ valueHex: cert.serialNumber.valueBlock.valueHexView }),
          revocationDate: time(thisUpdate),
        }),
    );
  }
  await crl.sign(o.signingKey ?? o.issuer.keys.privateKey, 'SHA-256');
  const der = new Uint8Array(crl.toSchema(true).toBER(false));
  return { crl: pkijs.CertificateRevocationList.fromBER(der), der, pem: toPem(der, 'X509 CRL') };
}

export interface SignChallengeOptions {
  challenge: Uint8Array;
  signerKey: CryptoKey;
  signerCert: pkijs.Certificate;
  /** Intermediates to carry in the CMS, as eID signing software does. */
  extraCerts?: pkijs.Certificate[];
  /** Leave the content out of the CMS (the verifier then uses the challenge). */
  detached?: boolean;
  /** Sign contentType + messageDigest attributes (default), or the content directly. */
  signedAttributes?: boolean;
  /** 'signature': flip a signature byte; 'message-digest': sign attributes with a wrong digest. */
  tamper?: 'signature' | 'message-digest';
  /** Leave the signer's certificate out of the CMS. */
  omitSignerCert?: boolean;
  /** Identify the signer by issuer and serial (default) or by key identifier (SHA-1 of the key). */
  signerId?: 'issuerAndSerialNumber' | 'subjectKeyIdentifier';
}

/** SignerIdentifier: IssuerAndSerialNumber, or `[0] IMPLICIT SubjectKeyIdentifier` (CMS version 3). */
async function signerIdentifier(o: SignChallengeOptions): Promise<Partial<pkijs.SignerInfo>> {
  const cert = o.signerCert;
  if (o.signerId !== 'subjectKeyIdentifier') {
    return {
      version: 1,
      sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
    };
  }
  const key = new Uint8Array(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView);
  const keyId = await crypto.subtle.digest('SHA-1', key);
  return {
    version: 3,
    sid: new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: keyId }),
  };
}

export async function signChallengeCms(o: SignChallengeOptions): Promise<Uint8Array<ArrayBuffer>> {
  const content = new Uint8Array(o.challenge);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', content));
  if (o.tamper === 'message-digest') digest[0]! ^= 0xff;
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 0,
    attributes: [
      new pkijs.Attribute({
        type: '1.2.840.113549.1.9.3',
        values: [new asn1js.ObjectIdentifier({ value: pkijs.ContentInfo.DATA })],
      }),
      new pkijs.Attribute({
        type: '1.2.840.113549.1.9.4',
        values: [new asn1js.OctetString({ valueHex: digest })],
      }),
    ],
  });
  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: pkijs.ContentInfo.DATA,
      ...(!o.detached && { eContent: new asn1js.OctetString({ valueHex: content }) }),
    }),
    signerInfos: [
      new pkijs.SignerInfo({
        ...(await signerIdentifier(o)),
        ...(o.signedAttributes !== false && { signedAttrs }),
      }),
    ],
    certificates: [...(o.omitSignerCert ? [] : [o.signerCert]), ...(o.extraCerts ?? [])],
  });
  await signedData.sign(o.signerKey, 0, 'SHA-256', o.detached ? content : undefined);
  if (o.tamper === 'signature') {
    const signerInfo = signedData.signerInfos[0]!;
    const signature = new Uint8Array(signerInfo.signature.valueBlock.valueHexView);
    signature[signature.length - 1]! ^= 0x01;
    signerInfo.signature = new asn1js.OctetString({ valueHex: signature });
  }
  const contentInfo = new pkijs.ContentInfo({
    contentType: pkijs.ContentInfo.SIGNED_DATA,
    content: signedData.toSchema(true),
  });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}

export interface TestPki {
  /** The time everything below is valid at; pass it to the verifier. */
  now: Date;
  root: TestCa;
  intermediate: TestCa;
  /** CRL of the root (covers the intermediate) and of the intermediate (covers citizens). */
  rootCrl: TestCrl;
  crl: TestCrl;
  citizens: { rsa: TestCitizen; ecdsa: TestCitizen; revoked: TestCitizen };
  trust: X509TrustSettings;
}

/** A ready-made PKI: root (RSA) → intermediate (P-256) → citizens, with current CRLs. */
export async function createTestPki(o: { now?: Date } = {}): Promise<TestPki> {
  const now = o.now ?? new Date();
  const root = await createRootCa({ now });
  const intermediate = await createIntermediateCa({ issuer: root, now });
  const rsa = await createCitizenCertificate({ issuer: intermediate, now, algorithm: 'rsa' });
  const ecdsa = await createCitizenCertificate({
    issuer: intermediate,
    now,
    algorithm: 'ecdsa',
    iin: validIin('85031540012'),
    givenName: 'ЕРЛАН',
    familyName: 'ЖУМАБЕКОВ',
  });
  const revoked = await createCitizenCertificate({ issuer: intermediate, now, iin: validIin('77120230001') });
  const rootCrl = await createCrl({ issuer: root, now });
  const crl = await createCrl({ issuer: intermediate, now, revoked: [revoked.cert] });
  return {
    now,
    root,
    intermediate,
    rootCrl,
    crl,
    citizens: { rsa, ecdsa, revoked },
    trust: {
      trustAnchors: [root.pem],
      intermediates: [],
      crls: [rootCrl.pem, crl.pem],
      requireCrl: true,
      country: 'KZ',
      level: 'high',
    },
  };
}

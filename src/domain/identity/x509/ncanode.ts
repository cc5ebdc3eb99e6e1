// GOST signatures through NCANode (an open-source verification server for Kazakh eID): no
// maintained JavaScript library verifies GOST 34.310-2004 / 34.10-2015, so NCANode checks the
// signature, the chain to NCA RK and revocation, and this service still applies its own rules
// to the certificate and to NCANode's answer: the content is the challenge, NCANode speaks of
// the certificate the CMS carries and of the same IIN, the holder role, validity, key usage,
// and the revocation result.
import type * as pkijs from 'pkijs';
import { toBase64Url, toHex } from '../../encoding.js';
import { IdentityCheckUnavailableError } from '../../errors.js';
import type { VerifiedIdentityClaims } from '../identitySource.js';
import { checkSignedContent, findSignerCertificate, parseSignedData } from './parseSignedData.js';
import { refusal } from './refusal.js';
import { checkValidityPeriods } from './validateChain.js';
import { checkSignerRules, claimsFrom, type X509TrustSettings } from './verifyEidSignature.js';
import { webCryptoEngine } from './webCrypto.js';

export type NcaNodeRevocationCheck = 'OCSP' | 'CRL';

/** The body of NCANode 3.x `POST /cms/verify`. */
export interface NcaNodeCmsVerifyRequest {
  /** Base64 CMS. */
  cms: string;
  /** Base64 content, for a detached CMS. */
  data?: string;
  revocationCheck: NcaNodeRevocationCheck[];
}

/** The HTTP answer as received; throws only when NCANode cannot be reached. */
export type NcaNodeTransport = (
  request: NcaNodeCmsVerifyRequest,
) => Promise<{ status: number; body: unknown }>;

/** The parts of NCANode's CertificateInfo this service relies on. */
interface NcaNodeCertificate {
  valid?: boolean;
  serialNumber?: string;
  keyUser?: string[];
  subject?: { iin?: string; bin?: string };
  revocations?: { revoked?: boolean; by?: string }[];
}

const ORGANISATION_KEY_USERS = new Set([
  'ORGANIZATION',
  'CEO',
  'CAN_SIGN',
  'CAN_SIGN_FINANCIAL',
  'HR',
  'EMPLOYEE',
]);

export interface VerifyWithNcaNodeParameters {
  signedData: Uint8Array;
  challenge: Uint8Array;
  trust: X509TrustSettings;
  now: Date;
  ncanode: NcaNodeTransport;
  /** The revocation checks NCANode must run and report; default OCSP then CRL. */
  revocationCheck?: NcaNodeRevocationCheck[];
}

export async function verifyEidSignatureWithNcaNode(
  p: VerifyWithNcaNodeParameters,
): Promise<VerifiedIdentityClaims> {
  const engine = webCryptoEngine();
  const cms = parseSignedData(p.signedData);
  const content = checkSignedContent(cms, p.challenge);
  const signer = await findSignerCertificate(cms, engine);
  // The certificate is read here, not taken from NCANode: its rules are this service's own.
  checkValidityPeriods([signer], p.now);
  checkSignerRules(signer, p.trust);
  const claims = claimsFrom(signer, p.trust);

  const revocationCheck = p.revocationCheck ?? ['OCSP', 'CRL'];
  const detached = !cms.signedData.encapContentInfo.eContent;
  let answer: { status: number; body: unknown };
  try {
    answer = await p.ncanode({
      cms: toBase64(p.signedData),
      ...(detached && { data: toBase64(content) }),
      revocationCheck,
    });
  } catch {
    throw new IdentityCheckUnavailableError('NCANode cannot be reached', { dependency: 'ncanode' });
  }
  const certificate = signerInfoFrom(answer);
  checkAnswerNamesSigner(certificate, signer, claims);
  checkKeyUser(certificate);
  checkRevocations(certificate, revocationCheck);
  if (certificate.valid !== true || (answer.body as { valid?: unknown }).valid !== true) {
    throw refusal('bad-signature', 'NCANode does not find the signature or its certificate chain valid');
  }
  return claims;
}

function signerInfoFrom(answer: { status: number; body: unknown }): NcaNodeCertificate {
  // NCANode answers a CMS it cannot verify (bad encoding, unknown algorithm) with 400.
  if (answer.status >= 400 && answer.status < 500) {
    throw refusal('bad-signature', 'NCANode could not verify the signature');
  }
  const body = answer.body as { valid?: unknown; signers?: { certificates?: NcaNodeCertificate[] }[] } | null;
  const signers = answer.status === 200 && body && Array.isArray(body.signers) ? body.signers : undefined;
  const first =
    signers?.length === 1 && Array.isArray(signers[0]?.certificates) ? signers[0].certificates[0] : undefined;
  if (typeof body?.valid !== 'boolean' || !first || typeof first !== 'object') {
    throw new IdentityCheckUnavailableError('NCANode answered in a form this service does not understand', {
      dependency: 'ncanode',
    });
  }
  return first;
}

/** NCANode takes standard base64 with padding. */
function toBase64(bytes: Uint8Array): string {
  const url = toBase64Url(bytes).replace(/-/g, '+').replace(/_/g, '/');
  return url + '='.repeat((4 - (url.length % 4)) % 4);
}

/** NCANode must speak of the certificate the CMS carries, and read the same IIN from it. */
function checkAnswerNamesSigner(
  certificate: NcaNodeCertificate,
  signer: pkijs.Certificate,
  claims: VerifiedIdentityClaims,
): void {
  const serial = toHex(signer.serialNumber.valueBlock.valueHexView).replace(/^0+/, '');
  const reported = (certificate.serialNumber ?? '').toLowerCase().replace(/^0+/, '');
  if (reported !== serial) {
    throw refusal('verifier-mismatch', "NCANode's answer is about another certificate than the signer's");
  }
  if (certificate.subject?.iin !== claims.nationalId) {
    throw refusal('verifier-mismatch', "NCANode reads another IIN from the signer's certificate");
  }
}

function checkKeyUser(certificate: NcaNodeCertificate): void {
  const keyUser = Array.isArray(certificate.keyUser) ? certificate.keyUser : [];
  if (keyUser.some((user) => ORGANISATION_KEY_USERS.has(user)) || certificate.subject?.bin) {
    throw refusal('holder-role', "NCANode reports the signer's certificate as an organisation's");
  }
}

/** Every check asked for must have been run, and none may report the certificate revoked. */
function checkRevocations(certificate: NcaNodeCertificate, asked: NcaNodeRevocationCheck[]): void {
  const revocations = Array.isArray(certificate.revocations) ? certificate.revocations : [];
  if (revocations.some((r) => r.revoked === true)) {
    throw refusal('certificate-revoked', "The signer's certificate has been revoked");
  }
  const ran = new Set(revocations.filter((r) => r.revoked === false).map((r) => r.by));
  if (asked.length > 0 && !asked.some((method) => ran.has(method))) {
    throw refusal(
      'revocation-unknown',
      "NCANode did not report the revocation status of the signer's certificate",
    );
  }
}

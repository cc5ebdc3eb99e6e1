// Revocation of every certificate below the trust anchor, by the methods configured, in order:
// the first that answers conclusively (good or revoked) decides; a method that cannot answer
// (no CRL, a stale one, an unknown or untrustworthy OCSP answer, an unreachable responder)
// hands over to the next, and the last one's failure is the refusal.
// CRLs (RFC 5280 §6.3, simplified to complete, directly issued CRLs) cover every certificate;
// OCSP (RFC 6960) covers the signer's certificate, which is what national responders answer for.
import type * as pkijs from 'pkijs';
import { IdentityCheckUnavailableError, type ProblemError } from '../../errors.js';
import { isAcceptedSignatureAlgorithm } from './algorithms.js';
import { hasKeyUsageBit, KEY_USAGE, keyUsageOf } from './certificateFields.js';
import { buildOcspRequest, evaluateOcspResponse, type OcspTransport } from './ocsp.js';
import { refusal, roleOf } from './refusal.js';

export type RevocationMethod = 'ocsp' | 'crl';

export interface RevocationPolicy {
  /** In order of preference; default `['crl']`. */
  methods?: readonly RevocationMethod[];
  requireCrl: boolean;
  now: Date;
  /** Needed when `methods` includes 'ocsp'. */
  ocsp?: { transport: OcspTransport; maxAgeSeconds: number };
}

type Outcome = 'good' | 'no-answer';

export async function checkRevocation(
  chain: readonly pkijs.Certificate[],
  crls: readonly pkijs.CertificateRevocationList[],
  policy: RevocationPolicy,
  engine: pkijs.ICryptoEngine,
): Promise<void> {
  const methods = policy.methods ?? ['crl'];
  // The anchor is trusted by configuration; nothing above it could revoke it.
  for (let index = 0; index < chain.length - 1; index++) {
    const certificate = chain[index]!;
    const issuer = chain[index + 1]!;
    let failure: ProblemError | undefined;
    let decided = false;
    // CA certificates are checked by CRL whenever one is configured for their issuer; it is
    // required only when the operator chose CRLs.
    const forThis: readonly RevocationMethod[] = index === 0 ? methods : ['crl'];
    const requireCrl = policy.requireCrl && methods.includes('crl');
    for (const method of forThis) {
      if (method === 'ocsp' && !policy.ocsp) continue;
      try {
        const outcome =
          method === 'ocsp'
            ? await checkByOcsp(certificate, issuer, policy, engine)
            : await checkByCrl(index, certificate, issuer, crls, { ...policy, requireCrl }, engine);
        if (outcome === 'good') {
          decided = true;
          break;
        }
      } catch (error) {
        const reason = (error as ProblemError).extensions?.reason;
        if (reason === 'certificate-revoked') throw error;
        if (!(error instanceof IdentityCheckUnavailableError) && reason === undefined) throw error;
        failure = error as ProblemError;
      }
    }
    if (!decided && failure) throw failure;
  }
}

async function checkByOcsp(
  certificate: pkijs.Certificate,
  issuer: pkijs.Certificate,
  policy: RevocationPolicy,
  engine: pkijs.ICryptoEngine,
): Promise<Outcome> {
  const ocsp = policy.ocsp!;
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const request = await buildOcspRequest(certificate, issuer, nonce, engine);
  let response: Uint8Array;
  try {
    response = await ocsp.transport(request);
  } catch {
    throw new IdentityCheckUnavailableError('The OCSP responder cannot be reached', { dependency: 'ocsp' });
  }
  const status = await evaluateOcspResponse(
    response,
    certificate,
    issuer,
    nonce,
    { now: policy.now, maxAgeSeconds: ocsp.maxAgeSeconds },
    engine,
  );
  if (status === 'revoked') throw refusal('certificate-revoked', "The signer's certificate has been revoked");
  if (status === 'unknown') {
    throw refusal('revocation-unknown', "The OCSP responder does not know the signer's certificate");
  }
  return 'good';
}

async function checkByCrl(
  index: number,
  certificate: pkijs.Certificate,
  issuer: pkijs.Certificate,
  crls: readonly pkijs.CertificateRevocationList[],
  policy: RevocationPolicy,
  engine: pkijs.ICryptoEngine,
): Promise<Outcome> {
  const fromIssuer = crls.filter((crl) => crl.issuer.isEqual(certificate.issuer));
  if (fromIssuer.length === 0) {
    if (!policy.requireCrl) return 'good';
    throw refusal('crl-missing', `No CRL is configured for the issuer of ${roleOf(index)}`);
  }

  const genuine: pkijs.CertificateRevocationList[] = [];
  let problem = '';
  for (const crl of fromIssuer) {
    const unusable = await whyUnusable(crl, issuer, engine);
    if (unusable) problem ||= unusable;
    else genuine.push(crl);
  }
  // A CRL under the issuer's name that the issuer did not sign means broken or tampered
  // configuration: fail closed even when CRLs are optional.
  if (genuine.length === 0) throw refusal('crl-invalid', problem);

  // Revocation is permanent, so even an out-of-date CRL listing the serial is conclusive.
  if (genuine.some((crl) => lists(crl, certificate))) {
    throw refusal('certificate-revoked', `${roleOf(index, { capital: true })} has been revoked`);
  }
  if (!genuine.some((crl) => isCurrent(crl, policy.now))) {
    throw refusal('crl-invalid', `The CRL for the issuer of ${roleOf(index)} is out of date`);
  }
  return 'good';
}

async function whyUnusable(
  crl: pkijs.CertificateRevocationList,
  issuer: pkijs.Certificate,
  engine: pkijs.ICryptoEngine,
): Promise<string | undefined> {
  const usage = keyUsageOf(issuer);
  if (usage === 'unparsable' || (usage && !hasKeyUsageBit(usage, KEY_USAGE.cRLSign))) {
    return 'The CRL issuer may not sign CRLs (keyUsage cRLSign)';
  }
  // Critical CRL extensions (issuingDistributionPoint, deltaCRLIndicator) narrow what the CRL
  // covers; without processing them a partial or delta CRL would pass for a complete one.
  if (crl.crlExtensions?.extensions.some((extension) => extension.critical)) {
    return 'The CRL has critical extensions (partitioned or delta CRL), which are not supported';
  }
  if (!isAcceptedSignatureAlgorithm(crl.signatureAlgorithm)) {
    return 'The CRL is signed with an algorithm this service does not accept';
  }
  let valid = false;
  try {
    valid = await crl.verify({ issuerCertificate: issuer }, engine);
  } catch {
    // Unsupported key or garbled signature: not valid.
  }
  return valid ? undefined : 'The CRL is not signed by the certificate issuer it names';
}

function lists(crl: pkijs.CertificateRevocationList, certificate: pkijs.Certificate): boolean {
  return (crl.revokedCertificates ?? []).some((entry) =>
    entry.userCertificate.isEqual(certificate.serialNumber),
  );
}

function isCurrent(crl: pkijs.CertificateRevocationList, now: Date): boolean {
  if (crl.thisUpdate.value > now) return false;
  return !crl.nextUpdate || now <= crl.nextUpdate.value;
}

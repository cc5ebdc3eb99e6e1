// Revocation by CRL (RFC 5280 §6.3, simplified to complete, directly issued CRLs): every
// certificate below the anchor is looked up in a CRL its own issuer signed.
import type * as pkijs from 'pkijs';
import { isAcceptedSignatureAlgorithm } from './algorithms.js';
import { hasKeyUsageBit, KEY_USAGE, keyUsageOf } from './certificateFields.js';
import { refusal, roleOf } from './refusal.js';

export interface RevocationPolicy {
  requireCrl: boolean;
  now: Date;
}

export async function checkRevocation(
  chain: readonly pkijs.Certificate[],
  crls: readonly pkijs.CertificateRevocationList[],
  policy: RevocationPolicy,
  engine: pkijs.ICryptoEngine,
): Promise<void> {
  // The anchor is trusted by configuration; nothing above it could revoke it.
  for (let index = 0; index < chain.length - 1; index++) {
    await checkOne(index, chain[index]!, chain[index + 1]!, crls, policy, engine);
  }
}

async function checkOne(
  index: number,
  certificate: pkijs.Certificate,
  issuer: pkijs.Certificate,
  crls: readonly pkijs.CertificateRevocationList[],
  policy: RevocationPolicy,
  engine: pkijs.ICryptoEngine,
): Promise<void> {
  const fromIssuer = crls.filter((crl) => crl.issuer.isEqual(certificate.issuer));
  if (fromIssuer.length === 0) {
    if (!policy.requireCrl) return;
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

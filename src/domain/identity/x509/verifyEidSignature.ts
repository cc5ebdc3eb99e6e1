// The x509 identity source: a citizen signs the service's challenge with the authentication
// key of a national eID certificate (CMS SignedData), and the certificate names the identity.
// Domain code: pkijs over Web Crypto only, so it runs unchanged on Node and Cloudflare Workers.
import type { AssuranceLevel, VerifiedIdentityClaims } from '../identitySource.js';
import { nationalIdRuleFor } from '../nationalId.js';
import { checkRevocation } from './checkRevocation.js';
import { checkSignedContent, findSignerCertificate, parseSignedData } from './parseSignedData.js';
import { namesFromSubject, nationalIdFromSubject } from './subjectIdentity.js';
import { parseCertificates, parseCrls } from './trustStore.js';
import {
  buildChain,
  checkIssuerConstraints,
  checkSignerKeyUsage,
  checkValidityPeriods,
} from './validateChain.js';
import { verifySignature } from './verifySignature.js';
import { webCryptoEngine } from './webCrypto.js';

export type { X509RefusalReason } from './refusal.js';
export { parseTrustSettingsPem } from './trustStore.js';

export interface X509TrustSettings {
  /** PEM certificates (root CAs). */
  trustAnchors: string[];
  /** PEM certificates the service knows besides those in the CMS. */
  intermediates?: string[];
  /** PEM or base64-DER CRLs, one per issuing CA. */
  crls: string[];
  /** true: refuse when no CRL is configured for an issuer in the chain. */
  requireCrl: boolean;
  /** ISO 3166-1 alpha-2, e.g. 'KZ'; selects the national ID rule. */
  country: string;
  /** Assurance level to report, e.g. 'high'. */
  level: AssuranceLevel;
}

export interface VerifyEidSignatureParameters {
  /** DER of the CMS ContentInfo (SignedData). */
  signedData: Uint8Array;
  /** The exact bytes the service issued. */
  challenge: Uint8Array;
  trust: X509TrustSettings;
  now: Date;
}

/**
 * Throws MalformedRequestError for unreadable CMS, IdentityVerificationFailedError (with a
 * stable `reason`) for every refusal, and InvalidNationalIdError for a malformed IIN.
 */
export async function verifyEidSignature(p: VerifyEidSignatureParameters): Promise<VerifiedIdentityClaims> {
  const engine = webCryptoEngine();
  const cms = parseSignedData(p.signedData);
  const content = checkSignedContent(cms, p.challenge);
  const signer = await findSignerCertificate(cms, engine);
  await verifySignature(cms.signerInfo, signer, content, engine);

  const anchors = parseCertificates(p.trust.trustAnchors, 'trust anchor');
  const configured = p.trust.intermediates ? parseCertificates(p.trust.intermediates, 'intermediate') : [];
  const chain = await buildChain(signer, [...cms.certificates, ...configured], anchors, engine);
  checkValidityPeriods(chain, p.now);
  checkIssuerConstraints(chain);
  checkSignerKeyUsage(signer);
  await checkRevocation(
    chain,
    parseCrls(p.trust.crls),
    { requireCrl: p.trust.requireCrl, now: p.now },
    engine,
  );

  const country = p.trust.country.toUpperCase();
  const nationalId = nationalIdFromSubject(signer, country);
  const birthDate = nationalIdRuleFor(country).birthDate?.(nationalId);
  return {
    source: 'x509',
    country,
    nationalId,
    ...namesFromSubject(signer),
    level: p.trust.level,
    ...(birthDate && { birthDate }),
  };
}

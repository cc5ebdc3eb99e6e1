// The x509 identity source: a citizen signs the service's challenge with the authentication
// key of a national eID certificate (CMS SignedData), and the certificate names the identity.
// Domain code: pkijs over Web Crypto only, so it runs unchanged on Node and Cloudflare Workers.
import type * as pkijs from 'pkijs';
import type { AssuranceLevel, VerifiedIdentityClaims } from '../identitySource.js';
import { nationalIdRuleFor } from '../nationalId.js';
import { checkRevocation, type RevocationMethod } from './checkRevocation.js';
import { checkHolderRole } from './ncaProfile.js';
import type { OcspTransport } from './ocsp.js';
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

export type { RevocationMethod } from './checkRevocation.js';
export type { OcspTransport } from './ocsp.js';
export type { X509RefusalReason } from './refusal.js';
export { parseTrustSettingsPem, splitCrlFile } from './trustStore.js';

export interface X509TrustSettings {
  /** PEM certificates (root CAs). */
  trustAnchors: string[];
  /** PEM certificates the service knows besides those in the CMS. */
  intermediates?: string[];
  /** CRLs: PEM or base64 text, or DER bytes; one or more per issuing CA. */
  crls: readonly (string | Uint8Array)[];
  /** true: refuse when no CRL is configured for an issuer in the chain. */
  requireCrl: boolean;
  /** Revocation methods in order of preference; default `['crl']`. */
  revocation?: readonly RevocationMethod[];
  /** How old an OCSP answer without nextUpdate may be; default 300 s. */
  ocspMaxAgeSeconds?: number;
  /** Refuse certificates without NCA RK's private-person role; default true. */
  requireIndividualRole?: boolean;
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
  /** How to reach the OCSP responder, when `trust.revocation` includes 'ocsp'. */
  ocsp?: OcspTransport;
}

/**
 * Throws MalformedRequestError for unreadable CMS, IdentityVerificationFailedError (with a
 * stable `reason`) for every refusal, InvalidNationalIdError for a malformed IIN, and
 * IdentityCheckUnavailableError when the only revocation answer would come from an
 * unreachable OCSP responder.
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
  checkSignerRules(signer, p.trust);
  const methods = p.trust.revocation ?? ['crl'];
  await checkRevocation(
    chain,
    parseCrls(p.trust.crls),
    {
      methods,
      requireCrl: p.trust.requireCrl,
      now: p.now,
      ...(p.ocsp && { ocsp: { transport: p.ocsp, maxAgeSeconds: p.trust.ocspMaxAgeSeconds ?? 300 } }),
    },
    engine,
  );
  return claimsFrom(signer, p.trust);
}

/** The rules on the signer's own certificate, whoever verified the signature. */
export function checkSignerRules(signer: pkijs.Certificate, trust: X509TrustSettings): void {
  checkSignerKeyUsage(signer);
  checkHolderRole(signer, trust.requireIndividualRole ?? true);
}

export function claimsFrom(signer: pkijs.Certificate, trust: X509TrustSettings): VerifiedIdentityClaims {
  const country = trust.country.toUpperCase();
  const nationalId = nationalIdFromSubject(signer, country);
  const birthDate = nationalIdRuleFor(country).birthDate?.(nationalId);
  return {
    source: 'x509',
    country,
    nationalId,
    ...namesFromSubject(signer),
    level: trust.level,
    ...(birthDate && { birthDate }),
  };
}

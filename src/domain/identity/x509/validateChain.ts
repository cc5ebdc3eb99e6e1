// Path building and validation: signer → intermediates → a configured trust anchor.
import type * as pkijs from 'pkijs';
import { isAcceptedSignatureAlgorithm } from './algorithms.js';
import {
  basicConstraintsOf,
  extendedKeyUsageOf,
  hasKeyUsageBit,
  hasUnsupportedExtensions,
  KEY_USAGE,
  keyUsageOf,
} from './certificateFields.js';
import { refusal, roleOf } from './refusal.js';

/** Intermediates between the signer and the anchor; national PKIs use one or two. */
const MAX_INTERMEDIATES = 4;

/** Whether `issuer`'s key made `certificate`'s signature, with an accepted algorithm. */
export async function isSignedBy(
  certificate: pkijs.Certificate,
  issuer: pkijs.Certificate,
  engine: pkijs.ICryptoEngine,
): Promise<boolean> {
  if (!certificate.issuer.isEqual(issuer.subject)) return false;
  if (!isAcceptedSignatureAlgorithm(certificate.signatureAlgorithm)) return false;
  try {
    return await certificate.verify(issuer, engine);
  } catch {
    return false;
  }
}

/**
 * Returns [signer, ...intermediates, anchor]. Greedy: at each step a configured anchor wins,
 * else the first known certificate whose key verifies the current one. No backtracking, so
 * a hostile CMS full of look-alike CA certificates costs at most a few dozen verifications;
 * the price is that cross-certified alternative paths are not explored.
 */
export async function buildChain(
  signer: pkijs.Certificate,
  known: readonly pkijs.Certificate[],
  anchors: readonly pkijs.Certificate[],
  engine: pkijs.ICryptoEngine,
): Promise<pkijs.Certificate[]> {
  const chain = [signer];
  for (let depth = 0; depth <= MAX_INTERMEDIATES; depth++) {
    const current = chain[chain.length - 1]!;
    for (const anchor of anchors) {
      if (await isSignedBy(current, anchor, engine)) return [...chain, anchor];
    }
    let next: pkijs.Certificate | undefined;
    for (const candidate of known) {
      if (chain.includes(candidate)) continue;
      if (await isSignedBy(current, candidate, engine)) {
        next = candidate;
        break;
      }
    }
    if (!next) break;
    chain.push(next);
  }
  throw refusal(
    'untrusted-chain',
    "The signer's certificate does not chain to a trust anchor configured here",
  );
}

/** Every certificate, the anchor included, must be within its validity period at `now`. */
export function checkValidityPeriods(chain: readonly pkijs.Certificate[], now: Date): void {
  chain.forEach((certificate, index) => {
    if (now < certificate.notBefore.value) {
      throw refusal(
        'certificate-not-yet-valid',
        `${roleOf(index, { capital: true })} is not valid before ${certificate.notBefore.value.toISOString()}`,
      );
    }
    if (now > certificate.notAfter.value) {
      throw refusal(
        'certificate-expired',
        `${roleOf(index, { capital: true })} expired at ${certificate.notAfter.value.toISOString()}`,
      );
    }
  });
}

/**
 * Issuers must be CAs allowed to sign certificates, within their path length. Trust anchors
 * are trusted by configuration, so old v1 roots without basicConstraints are accepted; if an
 * anchor does carry the extension, it is honoured.
 */
export function checkIssuerConstraints(chain: readonly pkijs.Certificate[]): void {
  for (let index = 1; index < chain.length; index++) {
    const issuer = chain[index]!;
    const isAnchor = index === chain.length - 1;
    const constraints = basicConstraintsOf(issuer);
    if (constraints === undefined && isAnchor) continue;
    if (constraints === undefined || constraints === 'unparsable' || !constraints.ca) {
      throw refusal(
        'untrusted-chain',
        'A certificate in the chain issued another but is not a CA certificate',
      );
    }
    const intermediatesBelow = index - 1;
    if (constraints.pathLength !== undefined && intermediatesBelow > constraints.pathLength) {
      throw refusal(
        'untrusted-chain',
        'The chain is longer than a CA certificate allows (pathLenConstraint)',
      );
    }
    const usage = keyUsageOf(issuer);
    if (usage === 'unparsable' || (usage && !hasKeyUsageBit(usage, KEY_USAGE.keyCertSign))) {
      throw refusal('untrusted-chain', 'A CA certificate in the chain may not sign certificates (keyUsage)');
    }
  }
  chain.slice(0, -1).forEach((certificate, index) => {
    if (hasUnsupportedExtensions(certificate)) {
      throw refusal(
        'untrusted-chain',
        `${roleOf(index, { capital: true })} has a critical extension this service cannot process`,
      );
    }
  });
}

// eID authentication certificates carry clientAuth (TLS client login) and usually emailProtection
// (S/MIME); both mean "this key authenticates its holder". serverAuth or codeSigning alone do not.
const AUTHENTICATION_PURPOSES = new Set([
  '1.3.6.1.5.5.7.3.2', // id-kp-clientAuth
  '1.3.6.1.5.5.7.3.4', // id-kp-emailProtection
  '2.5.29.37.0', // anyExtendedKeyUsage
]);

/** The signer key must be an authentication key: keyUsage digitalSignature, and a fitting EKU if any. */
export function checkSignerKeyUsage(signer: pkijs.Certificate): void {
  const usage = keyUsageOf(signer);
  if (usage === undefined || usage === 'unparsable' || !hasKeyUsageBit(usage, KEY_USAGE.digitalSignature)) {
    throw refusal(
      'key-usage',
      "The signer's certificate is not for digital signatures (keyUsage digitalSignature)",
    );
  }
  const purposes = extendedKeyUsageOf(signer);
  if (purposes === 'unparsable' || (purposes && !purposes.some((p) => AUTHENTICATION_PURPOSES.has(p)))) {
    throw refusal(
      'key-usage',
      "The signer's certificate is not for client authentication (extendedKeyUsage)",
    );
  }
}

// OCSP (RFC 6960) as a revocation source: the request for one certificate, and the checks that
// make its answer trustworthy: the responder is the issuer or a responder the issuer delegated
// (id-kp-OCSPSigning), the signature verifies, the nonce is ours, the answer is about this
// certificate and current. Transport is a port, so this stays free of HTTP.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { isAcceptedSignatureAlgorithm } from './algorithms.js';
import { extendedKeyUsageOf } from './certificateFields.js';
import { bytesEqual } from './parseSignedData.js';
import { refusal } from './refusal.js';
import { decodeSingleValue } from './trustStore.js';
import { isSignedBy } from './validateChain.js';

export const OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';
const OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
const OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
/** Clocks of responder and service may differ by this much. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Sends a DER OCSPRequest and returns the DER OCSPResponse; throws when the responder cannot be reached. */
export type OcspTransport = (request: Uint8Array) => Promise<Uint8Array>;

export interface OcspPolicy {
  now: Date;
  /** Without nextUpdate, how old thisUpdate may be. */
  maxAgeSeconds: number;
}

export type OcspStatus = 'good' | 'revoked' | 'unknown';

export async function buildOcspRequest(
  certificate: pkijs.Certificate,
  issuer: pkijs.Certificate,
  nonce: Uint8Array,
  engine: pkijs.ICryptoEngine,
): Promise<Uint8Array> {
  const request = new pkijs.OCSPRequest();
  // CertID hashes only name the certificate (nothing is signed with them); SHA-1 is the one
  // every responder understands (RFC 5019 §2.1.1), the national one included.
  await request.createForCertificate(
    certificate,
    { hashAlgorithm: 'SHA-1', issuerCertificate: issuer },
    engine,
  );
  request.tbsRequest.requestExtensions = [
    new pkijs.Extension({
      extnID: OCSP_NONCE,
      extnValue: new asn1js.OctetString({ valueHex: new Uint8Array(nonce) }).toBER(false),
    }),
  ];
  return new Uint8Array(request.toSchema(true).toBER(false));
}

function invalid(detail: string): Error {
  return refusal('ocsp-invalid', detail);
}

/**
 * The status the responder vouches for, or a refusal with reason `ocsp-invalid` when the
 * answer cannot be trusted (unsigned, wrong responder, replayed, stale, about something else).
 */
export async function evaluateOcspResponse(
  der: Uint8Array,
  certificate: pkijs.Certificate,
  issuer: pkijs.Certificate,
  nonce: Uint8Array,
  policy: OcspPolicy,
  engine: pkijs.ICryptoEngine,
): Promise<OcspStatus> {
  const value = der.byteLength > 0 ? decodeSingleValue(der) : undefined;
  let response: pkijs.OCSPResponse;
  let basic: pkijs.BasicOCSPResponse;
  try {
    if (!value) throw new TypeError('not DER');
    response = new pkijs.OCSPResponse({ schema: value });
    if (response.responseStatus.valueBlock.valueDec !== 0 || !response.responseBytes) {
      throw invalid(
        `The OCSP responder refused the request (status ${response.responseStatus.valueBlock.valueDec})`,
      );
    }
    if (response.responseBytes.responseType !== OCSP_BASIC)
      throw invalid('The OCSP response is not a basic response');
    basic = pkijs.BasicOCSPResponse.fromBER(
      new Uint8Array(response.responseBytes.response.valueBlock.valueHexView),
    );
  } catch (error) {
    if (error instanceof Error && 'extensions' in error) throw error;
    throw invalid('The OCSP response cannot be parsed');
  }

  const responder = await findResponder(basic, issuer, policy.now, engine);
  if (!isAcceptedSignatureAlgorithm(basic.signatureAlgorithm)) {
    throw invalid('The OCSP response is signed with an algorithm this service does not accept');
  }
  let signed = false;
  try {
    signed = await engine.verifyWithPublicKey(
      basic.tbsResponseData.tbsView as Uint8Array<ArrayBuffer>,
      basic.signature,
      responder.subjectPublicKeyInfo,
      basic.signatureAlgorithm,
    );
  } catch {
    // Garbled signature or a key that does not fit the algorithm: not signed.
  }
  if (!signed) throw invalid('The OCSP response signature does not verify');

  const echoed = basic.tbsResponseData.responseExtensions?.filter((e) => e.extnID === OCSP_NONCE) ?? [];
  const echoedNonce = echoed.length === 1 ? nonceValue(echoed[0]!) : undefined;
  if (!echoedNonce || !bytesEqual(echoedNonce, nonce)) {
    throw invalid('The OCSP response does not carry the nonce of this request (a replayed answer?)');
  }

  const expected = await pkijs.CertID.create(
    certificate,
    { hashAlgorithm: 'SHA-1', issuerCertificate: issuer },
    engine,
  );
  const single = basic.tbsResponseData.responses.filter((r) => r.certID.isEqual(expected));
  if (single.length !== 1) throw invalid('The OCSP response is not about the certificate asked for');
  const answer = single[0]!;
  const now = policy.now.getTime();
  if (answer.thisUpdate.getTime() > now + CLOCK_SKEW_MS)
    throw invalid('The OCSP response is dated in the future');
  const freshUntil = answer.nextUpdate
    ? answer.nextUpdate.getTime()
    : answer.thisUpdate.getTime() + policy.maxAgeSeconds * 1000;
  if (now > freshUntil + CLOCK_SKEW_MS) throw invalid('The OCSP response is out of date');

  const tag = (answer.certStatus as asn1js.BaseBlock).idBlock;
  if (tag.tagClass !== 3) throw invalid('The OCSP certificate status cannot be read');
  if (tag.tagNumber === 0) return 'good';
  if (tag.tagNumber === 1) return 'revoked';
  return 'unknown';
}

function nonceValue(extension: pkijs.Extension): Uint8Array | undefined {
  // The nonce extension's value is itself an OCTET STRING (RFC 8954); some responders send the
  // bare bytes, which are then compared as they are.
  const raw = extension.extnValue.valueBlock.valueHexView;
  const inner = decodeSingleValue(raw);
  return inner instanceof asn1js.OctetString ? inner.valueBlock.valueHexView : raw;
}

/** RFC 6960 §4.2.2.2: the issuer itself, or a certificate it issued for OCSP signing. */
async function findResponder(
  basic: pkijs.BasicOCSPResponse,
  issuer: pkijs.Certificate,
  now: Date,
  engine: pkijs.ICryptoEngine,
): Promise<pkijs.Certificate> {
  const candidates = [issuer, ...(basic.certs ?? [])];
  for (const candidate of candidates) {
    if (!(await matchesResponderId(basic.tbsResponseData.responderID, candidate, engine))) continue;
    if (candidate === issuer) return issuer;
    const purposes = extendedKeyUsageOf(candidate);
    const delegated =
      Array.isArray(purposes) &&
      purposes.includes(OCSP_SIGNING) &&
      now >= candidate.notBefore.value &&
      now <= candidate.notAfter.value &&
      (await isSignedBy(candidate, issuer, engine));
    if (delegated) return candidate;
  }
  throw invalid("The OCSP response is not signed by the certificate's issuer or a responder it authorised");
}

async function matchesResponderId(
  responderId: unknown,
  candidate: pkijs.Certificate,
  engine: pkijs.ICryptoEngine,
): Promise<boolean> {
  if (responderId instanceof pkijs.RelativeDistinguishedNames) return responderId.isEqual(candidate.subject);
  // byKey: [2] EXPLICIT OCTET STRING, the SHA-1 of the responder's public key.
  const block = responderId as asn1js.Constructed;
  const hash = block?.valueBlock?.value?.[0];
  if (!(hash instanceof asn1js.OctetString)) return false;
  const key = candidate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
  const digest = new Uint8Array(await engine.digest({ name: 'SHA-1' }, new Uint8Array(key)));
  return bytesEqual(digest, hash.valueBlock.valueHexView);
}

// Reading the citizen's CMS SignedData: structure, signed content and signer certificate.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { malformedCms, refusal } from './refusal.js';
import { decodeSingleValue } from './trustStore.js';

const ID_DATA = '1.2.840.113549.1.7.1';
const ID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const SUBJECT_KEY_IDENTIFIER = '2.5.29.14';
/** A real eID chain is two or three certificates; the cap bounds chain-building work per request. */
const MAX_CMS_CERTIFICATES = 10;

export interface ParsedCms {
  signedData: pkijs.SignedData;
  signerInfo: pkijs.SignerInfo;
  /** The X.509 certificates the CMS carries (attribute certificates and others are ignored). */
  certificates: pkijs.Certificate[];
}

export function parseSignedData(der: Uint8Array): ParsedCms {
  const value = der.byteLength > 0 ? decodeSingleValue(der) : undefined;
  if (!value) throw malformedCms('The signature is not a single DER-encoded CMS structure');
  const contentInfo = parseOrNull(() => new pkijs.ContentInfo({ schema: value }));
  if (contentInfo?.contentType !== ID_SIGNED_DATA) {
    throw malformedCms('The signature is not a CMS SignedData structure');
  }
  const signedData = parseOrNull(() => new pkijs.SignedData({ schema: contentInfo.content }));
  if (!signedData) throw malformedCms('The CMS SignedData structure cannot be parsed');
  if (signedData.encapContentInfo.eContentType !== ID_DATA) {
    throw malformedCms('The signed content type must be id-data');
  }
  const [signerInfo, ...others] = signedData.signerInfos;
  if (!signerInfo || others.length > 0) throw malformedCms('The CMS must have exactly one signer');
  const certificates = (signedData.certificates ?? []).filter((c) => c instanceof pkijs.Certificate);
  if (certificates.length > MAX_CMS_CERTIFICATES) throw malformedCms('The CMS carries too many certificates');
  return { signedData, signerInfo, certificates };
}

/** pkijs reports schema mismatches by throwing; here they all mean "malformed". */
function parseOrNull<T>(parse: () => T): T | null {
  try {
    return parse();
  } catch {
    return null;
  }
}

/**
 * The content the signature covers must be the challenge, byte for byte. Encapsulated content
 * is compared; detached content *is* the challenge. Returns the bytes to verify the signature over.
 */
export function checkSignedContent(cms: ParsedCms, challenge: Uint8Array): Uint8Array<ArrayBuffer> {
  const eContent = cms.signedData.encapContentInfo.eContent;
  if (!eContent) return new Uint8Array(challenge);
  if (eContent.idBlock.tagClass !== 1 || eContent.idBlock.tagNumber !== 4) {
    throw malformedCms('The encapsulated content is not an OCTET STRING');
  }
  // getValue() also joins the chunks of a constructed (BER) OCTET STRING.
  const content = new Uint8Array(eContent.getValue());
  if (!bytesEqual(content, challenge)) {
    throw refusal('content-mismatch', 'The signed content is not the challenge this service issued');
  }
  return content;
}

/** Finds the signer's certificate among those in the CMS, by issuer and serial or by key identifier. */
export async function findSignerCertificate(
  cms: ParsedCms,
  engine: pkijs.ICryptoEngine,
): Promise<pkijs.Certificate> {
  const sid = cms.signerInfo.sid;
  for (const certificate of cms.certificates) {
    const matches =
      sid instanceof pkijs.IssuerAndSerialNumber
        ? certificate.issuer.isEqual(sid.issuer) && certificate.serialNumber.isEqual(sid.serialNumber)
        : await hasKeyIdentifier(certificate, subjectKeyIdentifierOf(sid), engine);
    if (matches) return certificate;
  }
  throw malformedCms("The CMS does not include the signer's certificate");
}

/** sid is `[0] IMPLICIT SubjectKeyIdentifier`; pkijs keeps it as a raw tagged block. */
function subjectKeyIdentifierOf(sid: asn1js.AsnType): Uint8Array {
  const block = sid as asn1js.Constructed & asn1js.Primitive;
  if (!block.idBlock.isConstructed) return block.valueBlock.valueHexView;
  return (block.valueBlock.value[0] as asn1js.OctetString).valueBlock.valueHexView;
}

// Either the certificate's own subjectKeyIdentifier or the SHA-1 of its key (RFC 5280 §4.2.1.2
// method 1, what most signers use). The signature check that follows proves the key matches anyway.
async function hasKeyIdentifier(
  certificate: pkijs.Certificate,
  keyId: Uint8Array,
  engine: pkijs.ICryptoEngine,
): Promise<boolean> {
  const extension = certificate.extensions?.find((e) => e.extnID === SUBJECT_KEY_IDENTIFIER);
  if (extension?.parsedValue instanceof asn1js.OctetString) {
    if (bytesEqual(extension.parsedValue.valueBlock.valueHexView, keyId)) return true;
  }
  const key = certificate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
  const digest = new Uint8Array(await engine.digest({ name: 'SHA-1' }, new Uint8Array(key)));
  return bytesEqual(digest, keyId);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((byte, i) => byte === b[i]);
}

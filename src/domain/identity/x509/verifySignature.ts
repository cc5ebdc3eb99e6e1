// The signer's signature over the challenge (RFC 5652 §5.4): directly over the content, or over
// the DER of the signed attributes, whose messageDigest must then be the content's digest.
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';
import { isAcceptedSignatureAlgorithm, RSA_ENCRYPTION, sha2Name } from './algorithms.js';
import { bytesEqual } from './parseSignedData.js';
import { refusal } from './refusal.js';

const ID_DATA = '1.2.840.113549.1.7.1';
const CONTENT_TYPE_ATTRIBUTE = '1.2.840.113549.1.9.3';
const MESSAGE_DIGEST_ATTRIBUTE = '1.2.840.113549.1.9.4';

export async function verifySignature(
  signerInfo: pkijs.SignerInfo,
  signerCertificate: pkijs.Certificate,
  content: Uint8Array<ArrayBuffer>,
  engine: pkijs.ICryptoEngine,
): Promise<void> {
  const digestName = sha2Name(signerInfo.digestAlgorithm.algorithmId);
  const algorithm = signerInfo.signatureAlgorithm;
  const plainRsa = algorithm.algorithmId === RSA_ENCRYPTION;
  if (!digestName || !(plainRsa || isAcceptedSignatureAlgorithm(algorithm))) {
    throw refusal(
      'bad-signature',
      'The signature uses an algorithm this service does not accept (SHA-2 required)',
    );
  }

  let signedBytes = content;
  if (signerInfo.signedAttrs) {
    await checkSignedAttributes(signerInfo.signedAttrs, content, digestName, engine);
    // pkijs keeps the attributes' original encoding, re-tagged as SET OF as §5.4 requires.
    signedBytes = new Uint8Array(signerInfo.signedAttrs.encodedValue);
  }

  let valid = false;
  try {
    valid = await engine.verifyWithPublicKey(
      signedBytes,
      signerInfo.signature,
      signerCertificate.subjectPublicKeyInfo,
      algorithm,
      plainRsa ? digestName : undefined,
    );
  } catch {
    // Key/algorithm mismatch, unsupported curve, garbled ECDSA signature: all just "not valid".
  }
  if (!valid) throw refusal('bad-signature', 'The signature does not verify with the signer certificate');
}

async function checkSignedAttributes(
  attributes: pkijs.SignedAndUnsignedAttributes,
  content: Uint8Array<ArrayBuffer>,
  digestName: string,
  engine: pkijs.ICryptoEngine,
): Promise<void> {
  const contentType = singleValue(attributes, CONTENT_TYPE_ATTRIBUTE);
  if (!(contentType instanceof asn1js.ObjectIdentifier) || contentType.valueBlock.toString() !== ID_DATA) {
    throw refusal('bad-signature', 'The signed contentType attribute is missing or is not id-data');
  }
  const messageDigest = singleValue(attributes, MESSAGE_DIGEST_ATTRIBUTE);
  if (!(messageDigest instanceof asn1js.OctetString)) {
    throw refusal('bad-signature', 'The signed messageDigest attribute is missing');
  }
  const digest = new Uint8Array(await engine.digest({ name: digestName }, content));
  if (!bytesEqual(digest, messageDigest.valueBlock.valueHexView)) {
    throw refusal('bad-signature', 'The signed messageDigest does not match the signed content');
  }
}

/** RFC 5652 §11: contentType and messageDigest appear once, each with exactly one value. */
function singleValue(attributes: pkijs.SignedAndUnsignedAttributes, type: string): unknown {
  const matching = attributes.attributes.filter((attribute) => attribute.type === type);
  if (matching.length !== 1 || matching[0]!.values.length !== 1) return undefined;
  return matching[0]!.values[0];
}

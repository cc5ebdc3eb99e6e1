// Turning configured PEM text into pkijs objects. Bad configuration is an operator error, not
// the citizen's: it throws a plain Error (rendered as a 500), never a refusal.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { fromBase64Url } from '../../encoding.js';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/**
 * Splits a PEM bundle (e.g. a CA file) into its individual PEM blocks; text between them is
 * dropped. A file holding only bare base64 (how some CAs publish CRLs) is returned as one entry.
 */
export function parseTrustSettingsPem(bundle: string): string[] {
  const blocks = Array.from(bundle.matchAll(PEM_BLOCK), (match) => match[0]);
  if (blocks.length > 0) return blocks;
  const bare = bundle.trim();
  const base64 = bare.replace(/\s+/g, '');
  return /^[A-Za-z0-9+/]+={0,2}$/.test(base64) && base64.length % 4 === 0 ? [bare] : [];
}

/**
 * The CRLs in one file as it was read or downloaded: DER (a SEQUENCE, first byte 0x30, how NCA
 * RK publishes nca_rsa.crl and nca_gost.crl) stays bytes; anything else is read as PEM text.
 */
export function splitCrlFile(bytes: Uint8Array): (string | Uint8Array)[] {
  if (bytes[0] === 0x30) return [bytes];
  return parseTrustSettingsPem(new TextDecoder().decode(bytes));
}

/** Accepts one PEM block or bare base64 DER (CRLs are often distributed that way). */
export function pemOrBase64ToDer(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, '').replace(/\s+/g, '');
  if (base64 === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new TypeError('not PEM or base64');
  return fromBase64Url(base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
}

function decodeAll<T>(
  texts: readonly (string | Uint8Array)[],
  what: string,
  decode: (der: Uint8Array<ArrayBuffer>, original: string | Uint8Array) => T,
): T[] {
  return texts.map((text, index) => {
    try {
      return decode(typeof text === 'string' ? pemOrBase64ToDer(text) : new Uint8Array(text), text);
    } catch (cause) {
      throw new Error(`x509 trust settings: ${what} #${index + 1} cannot be parsed`, { cause });
    }
  });
}

/** Exactly one ASN.1 value filling the whole input: trailing bytes would go unsigned and unseen. */
export function decodeSingleValue(der: Uint8Array): asn1js.AsnType | undefined {
  const parsed = asn1js.fromBER(der);
  return parsed.offset === der.byteLength ? parsed.result : undefined;
}

function strictBer(der: Uint8Array): asn1js.AsnType {
  const value = decodeSingleValue(der);
  if (!value) throw new TypeError('not a single DER value');
  return value;
}

// Parsed once per configured array: a national CRL can be megabytes and parsing it on every
// request would dominate the cost. Callers replace the arrays to refresh; they are never mutated.
const certificateCache = new WeakMap<readonly string[], pkijs.Certificate[]>();
const crlByDer = new WeakMap<Uint8Array, pkijs.CertificateRevocationList>();
const crlCache = new WeakMap<readonly (string | Uint8Array)[], pkijs.CertificateRevocationList[]>();

export function parseCertificates(pems: readonly string[], what: string): pkijs.Certificate[] {
  let parsed = certificateCache.get(pems);
  if (!parsed) {
    parsed = decodeAll(pems, what, (der) => new pkijs.Certificate({ schema: strictBer(der) }));
    certificateCache.set(pems, parsed);
  }
  return parsed;
}

/** CRLs as PEM or bare base64 text, or as DER bytes (how NCA RK publishes nca_rsa.crl and nca_gost.crl). */
export function parseCrls(texts: readonly (string | Uint8Array)[]): pkijs.CertificateRevocationList[] {
  let parsed = crlCache.get(texts);
  if (!parsed) {
    parsed = decodeAll(
      texts,
      'CRL',
      (der, original) =>
        (typeof original !== 'string' && crlByDer.get(original)) ||
        new pkijs.CertificateRevocationList({ schema: strictBer(der) }),
    );
    crlCache.set(texts, parsed);
    // DER entries are remembered one by one too: a refresh that re-combines several files
    // then parses only the files that changed.
    texts.forEach((text, index) => {
      if (typeof text !== 'string') crlByDer.set(text, parsed![index]!);
    });
  }
  return parsed;
}

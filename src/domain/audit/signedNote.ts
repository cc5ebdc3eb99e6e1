// C2SP signed notes (c2sp.org/signed-note), checkpoints (c2sp.org/tlog-checkpoint) and
// Ed25519 cosignatures (c2sp.org/tlog-cosignature, cosignature/v1): the formats the
// public witness network speaks, so a court, an NGO or another agency can check and
// cosign the audit log's checkpoints with tooling that knows nothing of this service.
import { ed25519 } from '@noble/curves/ed25519';
import { sha256 } from 'viem';
import { utf8 } from '../encoding.js';

/** Signature type bytes of c2sp.org/signed-note. */
export const SIGNATURE_TYPE = { ed25519: 0x01, cosignatureV1: 0x04 } as const;
export type SignatureType = (typeof SIGNATURE_TYPE)[keyof typeof SIGNATURE_TYPE];

export class SignedNoteError extends Error {
  override name = 'SignedNoteError';
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Strict standard base64 (RFC 4648 §4, padded); undefined when it is not. */
export function fromBase64(text: string): Uint8Array | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return undefined;
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** A key name: non-empty, no Unicode spaces, no plus. */
export function isKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+\u2014]/u.test(name) && !/\p{Cc}/u.test(name);
}

/** SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4], the recommended key ID. */
export function keyId(name: string, type: SignatureType, publicKey: Uint8Array): Uint8Array {
  const nameBytes = utf8(name);
  const data = new Uint8Array(nameBytes.length + 2 + publicKey.length);
  data.set(nameBytes);
  data[nameBytes.length] = 0x0a;
  data[nameBytes.length + 1] = type;
  data.set(publicKey, nameBytes.length + 2);
  return sha256(data, 'bytes').subarray(0, 4);
}

export interface VerifierKey {
  name: string;
  type: SignatureType;
  publicKey: Uint8Array;
  keyId: Uint8Array;
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** `<name>+<hex key ID>+<base64(type ‖ public key)>`. */
export function encodeVerifierKey(name: string, type: SignatureType, publicKey: Uint8Array): string {
  const material = new Uint8Array(1 + publicKey.length);
  material[0] = type;
  material.set(publicKey, 1);
  return `${name}+${hex(keyId(name, type, publicKey))}+${toBase64(material)}`;
}

/** Parses an Ed25519 (0x01) or cosignature/v1 (0x04) vkey; throws SignedNoteError with the reason. */
export function parseVerifierKey(text: string): VerifierKey {
  // The base64 part may itself hold "+": split at the first two only.
  const match = /^([^+]*)\+([^+]*)\+(.*)$/s.exec(text);
  if (!match) throw new SignedNoteError('a verifier key is name+keyid+base64');
  const [, name, id, encoded] = match as unknown as [string, string, string, string];
  if (!isKeyName(name)) throw new SignedNoteError(`"${name}" is not a key name`);
  const material = fromBase64(encoded);
  if (!/^[0-9a-f]{8}$/.test(id) || !material) throw new SignedNoteError('the key ID or key is malformed');
  const type = material[0];
  if ((type !== SIGNATURE_TYPE.ed25519 && type !== SIGNATURE_TYPE.cosignatureV1) || material.length !== 33) {
    throw new SignedNoteError('only Ed25519 (0x01) and cosignature/v1 (0x04) keys of 32 bytes are accepted');
  }
  const publicKey = material.slice(1);
  const computed = keyId(name, type, publicKey);
  if (hex(computed) !== id) throw new SignedNoteError('the key ID does not match the name and key');
  return { name, type, publicKey, keyId: computed };
}

export interface NoteSignature {
  name: string;
  keyId: Uint8Array;
  /** The bytes after the key ID. */
  signature: Uint8Array;
  /** The whole line, without its newline. */
  line: string;
}

export interface Note {
  /** The note text, ending in a newline. */
  text: string;
  signatures: NoteSignature[];
}

const MAX_SIGNATURES = 32;

export function signatureLine(name: string, id: Uint8Array, signature: Uint8Array): string {
  const bytes = new Uint8Array(4 + signature.length);
  bytes.set(id);
  bytes.set(signature, 4);
  return `\u2014 ${name} ${toBase64(bytes)}`;
}

/** Any ASCII control character but newline (signed notes allow none). */
function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x0a) || code === 0x7f) return true;
  }
  return false;
}

/** Splits a signed note into its text and signature lines; throws SignedNoteError when malformed. */
export function parseNote(input: string): Note {
  if (hasControlCharacters(input)) throw new SignedNoteError('control characters in note');
  const separator = input.lastIndexOf('\n\n');
  if (separator < 0 || !input.endsWith('\n')) throw new SignedNoteError('no blank line before signatures');
  const text = input.slice(0, separator + 1);
  const lines = input.slice(separator + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new SignedNoteError('too many signatures');
  const signatures = lines.map((line): NoteSignature => {
    const match = /^\u2014 (\S+) (\S+)$/u.exec(line);
    const bytes = match ? fromBase64(match[2]!) : undefined;
    if (!match || !bytes || bytes.length < 5 || !isKeyName(match[1]!)) {
      throw new SignedNoteError('malformed signature line');
    }
    return { name: match[1]!, keyId: bytes.slice(0, 4), signature: bytes.slice(4), line };
  });
  return { text, signatures };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function signatureBy(note: Note, key: VerifierKey): NoteSignature | undefined {
  return note.signatures.find((s) => s.name === key.name && sameBytes(s.keyId, key.keyId));
}

export interface Checkpoint {
  origin: string;
  treeSize: number;
  rootHash: Uint8Array;
}

/** The checkpoint's note text: origin, size, base64 root, each line ending in a newline. */
export function checkpointText(checkpoint: Checkpoint): string {
  return `${checkpoint.origin}\n${checkpoint.treeSize}\n${toBase64(checkpoint.rootHash)}\n`;
}

/** Reads the three mandatory lines (extension lines are ignored); throws SignedNoteError. */
export function parseCheckpointText(text: string): Checkpoint {
  const [origin, size, root] = text.split('\n');
  const rootHash = root === undefined ? undefined : fromBase64(root);
  if (!origin || !size || !/^(0|[1-9]\d{0,15})$/.test(size) || rootHash?.length !== 32) {
    throw new SignedNoteError('not a checkpoint: origin, tree size and root hash lines expected');
  }
  return { origin, treeSize: Number(size), rootHash };
}

/** Ed25519 over the note text (type 0x01). */
export function verifyNoteSignature(note: Note, key: VerifierKey): boolean {
  const found = signatureBy(note, key);
  if (!found || key.type !== SIGNATURE_TYPE.ed25519 || found.signature.length !== 64) return false;
  try {
    return ed25519.verify(found.signature, utf8(note.text), key.publicKey);
  } catch {
    return false;
  }
}

/** The message a cosignature/v1 signs: header, time line, then the checkpoint's note text. */
export function cosignedMessage(timestamp: bigint, checkpointNoteText: string): Uint8Array {
  return utf8(`cosignature/v1\ntime ${timestamp}\n${checkpointNoteText}`);
}

export interface Cosignature {
  witness: string;
  timestamp: bigint;
  line: string;
}

/**
 * The witness's cosignature/v1 line on `note`, verified: its key, a timestamp below 2^63
 * and not after `latest` (seconds), and Ed25519 over the cosigned message. Undefined when
 * the note carries no line of that key; throws SignedNoteError when it carries a bad one.
 */
export function verifyCosignature(note: Note, key: VerifierKey, latest: bigint): Cosignature | undefined {
  const found = signatureBy(note, key);
  if (!found) return undefined;
  if (key.type !== SIGNATURE_TYPE.cosignatureV1 || found.signature.length !== 72) {
    throw new SignedNoteError(`the cosignature of ${key.name} is not a cosignature/v1 signature`);
  }
  const timestamp = new DataView(found.signature.buffer, found.signature.byteOffset, 8).getBigUint64(0);
  if (timestamp >= 2n ** 63n || timestamp > latest) {
    throw new SignedNoteError(`the cosignature of ${key.name} is dated in the future`);
  }
  let valid = false;
  try {
    valid = ed25519.verify(found.signature.subarray(8), cosignedMessage(timestamp, note.text), key.publicKey);
  } catch {
    valid = false;
  }
  if (!valid) throw new SignedNoteError(`the cosignature of ${key.name} does not verify`);
  return { witness: key.name, timestamp, line: found.line };
}

/** An Ed25519 note signer over a 32-byte seed (the private key of RFC 8032). */
export interface NoteSigner {
  verifierKey: VerifierKey;
  sign(text: string): string;
}

export function ed25519NoteSigner(name: string, seed: Uint8Array): NoteSigner {
  if (!isKeyName(name)) throw new SignedNoteError(`"${name}" is not a key name`);
  if (seed.length !== 32) throw new SignedNoteError('an Ed25519 seed is 32 bytes');
  const publicKey = ed25519.getPublicKey(seed);
  const verifierKey: VerifierKey = {
    name,
    type: SIGNATURE_TYPE.ed25519,
    publicKey,
    keyId: keyId(name, SIGNATURE_TYPE.ed25519, publicKey),
  };
  // Ed25519 in JavaScript costs about a millisecond: the same checkpoint, asked for again
  // until the log grows, is signed once (the signature is deterministic anyway).
  let last: { text: string; note: string } | undefined;
  return {
    verifierKey,
    sign(text) {
      if (last?.text !== text) {
        const line = signatureLine(name, verifierKey.keyId, ed25519.sign(utf8(text), seed));
        last = { text, note: `${text}\n${line}\n` };
      }
      return last.note;
    },
  };
}

/**
 * Reads a log signing key: a base64url 32-byte seed, or Go's note signer key format
 * `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 ‖ seed)>` (golang.org/x/mod/sumdb/note).
 */
export function parseLogSigningSeed(text: string): Uint8Array {
  const go = /^PRIVATE\+KEY\+([^+]+)\+([0-9a-f]{8})\+(\S+)$/.exec(text.trim());
  if (go) {
    const material = fromBase64(go[3]!);
    if (material?.length !== 33 || material[0] !== SIGNATURE_TYPE.ed25519) {
      throw new SignedNoteError('the note signer key does not hold an Ed25519 seed');
    }
    return material.slice(1);
  }
  if (/^[A-Za-z0-9_-]{43}$/.test(text.trim())) {
    const seed = fromBase64(`${text.trim().replace(/-/g, '+').replace(/_/g, '/')}=`);
    if (seed?.length === 32) return seed;
  }
  throw new SignedNoteError('a log signing key is a base64url 32-byte seed or PRIVATE+KEY+name+id+key');
}

// An independent C2SP tiled-log client for the tests, written from the specifications
// (c2sp.org/signed-note, tlog-checkpoint, tlog-cosignature, tlog-tiles) with node:crypto
// and importing nothing from src/: it parses and verifies notes, fetches tiles and entry
// bundles, and rebuilds roots and proofs from them by RFC 6962's definitions.
import { createHash, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';

const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
export const leafHash = (data: Buffer) => sha256(Buffer.from([0x00]), data);
const nodeHash = (left: Buffer, right: Buffer) => sha256(Buffer.from([0x01]), left, right);

/** RFC 8410 SubjectPublicKeyInfo prefix of a raw Ed25519 public key. */
const ED25519_SPKI = Buffer.from('302a300506032b6570032100', 'hex');
const ed25519Public = (raw: Buffer) =>
  createPublicKey({ key: Buffer.concat([ED25519_SPKI, raw]), format: 'der', type: 'spki' });

export interface Vkey {
  name: string;
  id: Buffer;
  type: number;
  key: Buffer;
}

/** `<name>+<hex key ID>+<base64(type ‖ key)>`, key ID checked against SHA-256(name ‖ \n ‖ type ‖ key)[:4]. */
export function parseVkey(text: string): Vkey {
  const [name, idHex, ...rest] = text.split('+') as [string, string, ...string[]];
  const material = rest.join('+'); // base64 may contain "+"; the name and hex ID cannot
  const bytes = Buffer.from(material, 'base64');
  const vkey = { name, id: Buffer.from(idHex, 'hex'), type: bytes[0]!, key: bytes.subarray(1) };
  const expected = sha256(Buffer.from(`${name}\n`), bytes).subarray(0, 4);
  if (!expected.equals(vkey.id)) throw new Error('vkey: key ID does not match');
  return vkey;
}

export interface ParsedNote {
  text: string;
  signatures: { name: string; id: Buffer; signature: Buffer }[];
}

/** Text up to the last blank line; then "— name base64" lines. */
export function parseSignedNote(note: string): ParsedNote {
  const at = note.lastIndexOf('\n\n');
  const text = note.slice(0, at + 1);
  const signatures = note
    .slice(at + 2)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [dash, name, b64] = line.split(' ') as [string, string, string];
      if (dash !== '\u2014') throw new Error('note: signature line without em dash');
      const bytes = Buffer.from(b64, 'base64');
      return { name, id: bytes.subarray(0, 4), signature: bytes.subarray(4) };
    });
  return { text, signatures };
}

export function verifyLogSignature(note: ParsedNote, vkey: Vkey): boolean {
  const found = note.signatures.find((s) => s.name === vkey.name && s.id.equals(vkey.id));
  return (
    vkey.type === 0x01 &&
    found !== undefined &&
    verify(null, Buffer.from(note.text), ed25519Public(vkey.key), found.signature)
  );
}

export function parseCheckpoint(text: string): { origin: string; size: number; root: Buffer } {
  const [origin, size, root] = text.split('\n') as [string, string, string];
  return { origin, size: Number(size), root: Buffer.from(root, 'base64') };
}

/** A witness of its own: an Ed25519 key, its cosignature/v1 vkey, and its signature lines. */
export function testWitness(name: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(ED25519_SPKI.length);
  const material = Buffer.concat([Buffer.from([0x04]), raw]);
  const id = sha256(Buffer.from(`${name}\n`), material).subarray(0, 4);
  const vkey = `${name}+${id.toString('hex')}+${material.toString('base64')}`;
  return {
    vkey,
    /** The cosignature/v1 line over a checkpoint's note text at `time` (POSIX seconds). */
    cosign(noteText: string, time: number): string {
      const message = Buffer.from(`cosignature/v1\ntime ${time}\n${noteText}`);
      const timestamp = Buffer.alloc(8);
      timestamp.writeBigUInt64BE(BigInt(time));
      const signature = sign(null, message, privateKey);
      return `\u2014 ${name} ${Buffer.concat([id, timestamp, signature]).toString('base64')}`;
    },
  };
}

/** Verifies a cosignature/v1 line of `vkey` (type 0x04) on the note; returns its timestamp. */
export function verifyCosignatureV1(note: ParsedNote, vkeyText: string): number | undefined {
  const vkey = parseVkey(vkeyText);
  const found = note.signatures.find((s) => s.name === vkey.name && s.id.equals(vkey.id));
  if (!found || vkey.type !== 0x04 || found.signature.length !== 72) return undefined;
  const time = found.signature.readBigUInt64BE(0);
  const message = Buffer.from(`cosignature/v1\ntime ${time}\n${note.text}`);
  return verify(null, message, ed25519Public(vkey.key), found.signature.subarray(8))
    ? Number(time)
    : undefined;
}

/** Tile index N as path elements: x001/x234/067. */
export function tileIndex(n: number): string {
  const digits = String(n).padStart(3 * Math.max(1, Math.ceil(String(n).length / 3)), '0');
  const groups = digits.match(/\d{3}/g)!;
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** Every level-0 hash of a tree of `size`, fetched tile by tile (full, then the partial one). */
export async function fetchLeafHashes(prefix: string, size: number): Promise<Buffer[]> {
  const hashes: Buffer[] = [];
  for (let n = 0; n * 256 < size; n++) {
    const width = Math.min(256, size - n * 256);
    const body = await fetchTile(`${prefix}/tile/0/${tileIndex(n)}${width < 256 ? `.p/${width}` : ''}`);
    if (body.length !== 32 * width) throw new Error(`tile 0/${n}: ${body.length} bytes for width ${width}`);
    for (let i = 0; i < width; i++) hashes.push(body.subarray(32 * i, 32 * i + 32));
  }
  return hashes;
}

/** Entries of the bundles covering a tree of `size` (uint16 length-prefixed). */
export async function fetchEntries(prefix: string, size: number): Promise<Buffer[]> {
  const entries: Buffer[] = [];
  for (let n = 0; n * 256 < size; n++) {
    const width = Math.min(256, size - n * 256);
    const body = await fetchTile(`${prefix}/tile/entries/${tileIndex(n)}${width < 256 ? `.p/${width}` : ''}`);
    for (let at = 0; at < body.length; ) {
      const length = body.readUInt16BE(at);
      entries.push(body.subarray(at + 2, at + 2 + length));
      at += 2 + length;
    }
  }
  return entries;
}

export async function fetchTile(url: string): Promise<Buffer> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/** MTH over leaf hashes, by the recursive definition (k the largest power of two < n). */
export function rootOf(hashes: Buffer[]): Buffer {
  if (hashes.length === 0) return sha256();
  if (hashes.length === 1) return hashes[0]!;
  const k = 2 ** Math.floor(Math.log2(hashes.length - 1));
  return nodeHash(rootOf(hashes.slice(0, k)), rootOf(hashes.slice(k)));
}

/** PATH(m, D[n]) of RFC 6962 §2.1.1 over leaf hashes, bottom-up. */
export function inclusionPath(m: number, hashes: Buffer[]): Buffer[] {
  if (hashes.length <= 1) return [];
  const k = 2 ** Math.floor(Math.log2(hashes.length - 1));
  return m < k
    ? [...inclusionPath(m, hashes.slice(0, k)), rootOf(hashes.slice(k))]
    : [...inclusionPath(m - k, hashes.slice(k)), rootOf(hashes.slice(0, k))];
}

/** PROOF(m, D[n]) of RFC 6962 §2.1.2 (SUBPROOF with b = true) over leaf hashes. */
export function consistencyPath(m: number, hashes: Buffer[], whole = true): Buffer[] {
  const n = hashes.length;
  if (m === n) return whole ? [] : [rootOf(hashes)];
  const k = 2 ** Math.floor(Math.log2(n - 1));
  return m <= k
    ? [...consistencyPath(m, hashes.slice(0, k), whole), rootOf(hashes.slice(k))]
    : [...consistencyPath(m - k, hashes.slice(k), false), rootOf(hashes.slice(0, k))];
}

// RFC 6962 (RFC 9162 §2.1) Merkle tree hashing over the audit log: leaf hash =
// SHA-256(0x00 ‖ leaf), interior node = SHA-256(0x01 ‖ left ‖ right), a tree of n leaves
// split at the largest power of two below n; the empty tree's root is SHA-256 of nothing.
// Leaf i (0-based) is audit entry seq i+1 and its leaf bytes are the UTF-8 bytes of that
// entry's chain `hash` hex string.
//
// Hashes are 64-character lowercase hex strings in the API. Web APIs only (crypto.subtle),
// so the same code verifies proofs in a browser.
//
// Cost: every complete, power-of-two subtree of an RFC 6962 tree starts at a multiple of
// its size, whatever the tree size, so its hash depends on the leaves alone. `MerkleTree`
// keeps those hashes level by level (n − 1 hashes for n leaves, computed once, on first
// use, in concurrent batches); after that a root or a proof for any size costs O(log n)
// hashes. The free functions build a throw-away tree, i.e. O(n) hashes per call.
//
// The service's request paths do not hold a tree in memory: they read the stored tiles
// (tiles.ts) through the same proof algorithms (`pathThrough`, `proofThrough`); MerkleTree
// serves `audit verify`, which recomputes everything from the rows, and browsers.

const HASH_BYTES = 32;
const HEX_HASH = /^[0-9a-f]{64}$/;
/** How many digests are in flight at once while filling a level. */
const BATCH = 1024;

const HEX_DIGITS = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX_DIGITS[b];
  return out;
}

function hexNibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  return -1;
}

/** Writes a 64-char lowercase hex hash into `out` at `offset`; false when it is not one. */
function writeHash(hex: string, out: Uint8Array, offset: number): boolean {
  if (typeof hex !== 'string' || hex.length !== 2 * HASH_BYTES) return false;
  for (let i = 0; i < HASH_BYTES; i++) {
    const hi = hexNibble(hex.charCodeAt(2 * i));
    const lo = hexNibble(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return false;
    out[offset + i] = (hi << 4) | lo;
  }
  return true;
}

function hashBytes(hex: string): Uint8Array | undefined {
  const out = new Uint8Array(HASH_BYTES);
  return writeHash(hex, out, 0) ? out : undefined;
}

async function digest(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
}

function node(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  const data = new Uint8Array(1 + 2 * HASH_BYTES);
  data[0] = 0x01;
  data.set(left, 1);
  data.set(right, 1 + HASH_BYTES);
  return digest(data);
}

/** Largest power of two strictly below n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

function isSize(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** SHA-256(0x00 ‖ leaf); a string leaf is hashed as its UTF-8 bytes. */
export function leafHash(leaf: Uint8Array | string): Promise<string> {
  const bytes = typeof leaf === 'string' ? new TextEncoder().encode(leaf) : leaf;
  const data = new Uint8Array(1 + bytes.length);
  data.set(bytes, 1); // data[0] is already 0x00
  return digest(data).then(toHex);
}

/** SHA-256(0x01 ‖ left ‖ right) of two hex hashes. */
export async function nodeHash(left: string, right: string): Promise<string> {
  const l = hashBytes(left);
  const r = hashBytes(right);
  if (!l || !r) throw new TypeError('node hashes must be 64 lowercase hex characters');
  return toHex(await node(l, r));
}

/**
 * The hash of the complete subtree of 2^height leaves number `index` (leaves
 * index·2^height … (index+1)·2^height − 1): what a tree stores; everything else is derived.
 */
export type SubtreeHash = (height: number, index: number) => Promise<Uint8Array>;

/**
 * MTH of leaves [start, start + n), where start is a multiple of the smallest power of two
 * ≥ n (true of every subtree in an RFC 6962 tree). Only the right spine is incomplete, so
 * this is O(log n) complete subtrees.
 */
export async function rangeHash(complete: SubtreeHash, start: number, n: number): Promise<Uint8Array> {
  if (isPowerOfTwo(n)) return complete(Math.log2(n), start / n);
  const k = split(n);
  return node(await complete(Math.log2(k), start / k), await rangeHash(complete, start + k, n - k));
}

/** PATH(index, D[size]) of RFC 6962 §2.1.1 over stored subtrees: siblings from the leaf up. */
export async function pathThrough(complete: SubtreeHash, index: number, size: number): Promise<Uint8Array[]> {
  const path: Uint8Array[] = [];
  let start = 0;
  let n = size;
  let m = index;
  // Walk down from the root, recording siblings top-down; PATH lists them bottom-up.
  while (n > 1) {
    const k = split(n);
    if (m < k) {
      path.push(await rangeHash(complete, start + k, n - k));
      n = k;
    } else {
      path.push(await rangeHash(complete, start, k));
      start += k;
      m -= k;
      n -= k;
    }
  }
  return path.reverse();
}

/** PROOF(first, D[second]) of RFC 6962 §2.1.2 over stored subtrees, 0 < first ≤ second. */
export async function proofThrough(
  complete: SubtreeHash,
  first: number,
  second: number,
): Promise<Uint8Array[]> {
  const proof: Uint8Array[] = [];
  let start = 0;
  let n = second;
  let m = first;
  let whole = true; // SUBPROOF's b: the range [start, start + m) is the whole old tree
  while (m !== n) {
    const k = split(n);
    if (m <= k) {
      proof.push(await rangeHash(complete, start + k, n - k));
      n = k;
    } else {
      proof.push(await rangeHash(complete, start, k));
      start += k;
      m -= k;
      n -= k;
      whole = false;
    }
  }
  if (!whole) proof.push(await rangeHash(complete, start, n));
  return proof.reverse();
}

/** Hashes of one level of complete subtrees, 32 bytes each, packed in one growing buffer. */
class Level {
  bytes = new Uint8Array(0);
  count = 0;

  reserve(count: number): void {
    if (count * HASH_BYTES <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(count, 2 * this.count, 16) * HASH_BYTES);
    grown.set(this.bytes.subarray(0, this.count * HASH_BYTES));
    this.bytes = grown;
  }

  get(j: number): Uint8Array {
    return this.bytes.subarray(j * HASH_BYTES, (j + 1) * HASH_BYTES);
  }
}

/**
 * An append-only RFC 6962 tree over leaf hashes that memoises every complete power-of-two
 * subtree (keyed by level h and start j·2^h), so repeated roots and proofs over the same
 * leaves, for any tree size, cost O(log n) hashes each once the levels are filled.
 *
 * Sizes default to the current number of leaves. Methods throw RangeError on impossible
 * indices or sizes and TypeError on a leaf hash that is not 64 lowercase hex characters.
 */
export class MerkleTree {
  /** levels[h] holds the hashes of the complete subtrees of 2^h leaves; levels[0] the leaves. */
  private readonly levels: Level[] = [new Level()];
  private building: Promise<void> = Promise.resolve();

  constructor(leafHashes: readonly string[] = []) {
    this.append(leafHashes);
  }

  /** Number of leaves. */
  get size(): number {
    return this.levels[0]!.count;
  }

  /**
   * Adds leaf hashes at the end (as the audit log grows); nothing is rehashed. An array,
   * not rest parameters: a log of hundreds of thousands of entries would overflow the
   * call stack as spread arguments.
   */
  append(leafHashes: readonly string[]): void {
    const leaves = this.levels[0]!;
    leaves.reserve(leaves.count + leafHashes.length);
    for (const [i, hex] of leafHashes.entries()) {
      if (!writeHash(hex, leaves.bytes, (leaves.count + i) * HASH_BYTES)) {
        throw new TypeError(`leaf hash ${leaves.count + i} is not 64 lowercase hex characters`);
      }
    }
    leaves.count += leafHashes.length;
  }

  /** MTH(D[size]). */
  async root(size: number = this.size): Promise<string> {
    this.checkSize(size, 0);
    if (size === 0) return toHex(await digest(new Uint8Array(0)));
    await this.fill(size);
    return toHex(await rangeHash(this.complete, 0, size));
  }

  /** PATH(index, D[size]) of RFC 6962 §2.1.1: sibling hashes from the leaf up. */
  async inclusion(index: number, size: number = this.size): Promise<string[]> {
    this.checkSize(size, 1);
    if (!isSize(index) || index >= size) {
      throw new RangeError(`leaf ${index} is outside a tree of ${size}`);
    }
    await this.fill(size);
    return (await pathThrough(this.complete, index, size)).map(toHex);
  }

  /**
   * PROOF(first, D[second]) of RFC 6962 §2.1.2; empty when first equals second, and from
   * the empty tree (first = 0), which every tree extends.
   */
  async consistency(first: number, second: number = this.size): Promise<string[]> {
    if (first === 0) {
      this.checkSize(second, 0);
      return [];
    }
    this.checkSize(second, 1);
    if (!isSize(first) || first < 1 || first > second) {
      throw new RangeError(`first size ${first} must be within 1..${second}`);
    }
    await this.fill(second);
    return (await proofThrough(this.complete, first, second)).map(toHex);
  }

  private checkSize(size: number, min: number): void {
    if (!isSize(size) || size < min || size > this.size) {
      throw new RangeError(`tree size ${size} is outside ${min}..${this.size}`);
    }
  }

  /** The complete subtree of 2^height leaves number `index`; fill() must have covered it. */
  private readonly complete: SubtreeHash = async (height, index) => this.levels[height]!.get(index);

  /** Ensures every complete subtree within the first `size` leaves is hashed; one fill at a time. */
  private fill(size: number): Promise<void> {
    const run = this.building.then(() => this.fillNow(size));
    this.building = run.catch(() => undefined);
    return run;
  }

  private async fillNow(size: number): Promise<void> {
    for (let h = 1; 2 ** h <= size; h++) {
      const below = this.levels[h - 1]!;
      const level = this.levels[h] ?? new Level();
      this.levels[h] = level;
      const want = Math.floor(size / 2 ** h);
      level.reserve(want);
      while (level.count < want) {
        const from = level.count;
        const to = Math.min(want, from + BATCH);
        const batch: Promise<Uint8Array>[] = [];
        for (let j = from; j < to; j++) {
          const data = new Uint8Array(1 + 2 * HASH_BYTES);
          data[0] = 0x01;
          data.set(below.bytes.subarray(2 * j * HASH_BYTES, (2 * j + 2) * HASH_BYTES), 1);
          batch.push(digest(data));
        }
        const hashes = await Promise.all(batch);
        for (const [i, hash] of hashes.entries()) level.bytes.set(hash, (from + i) * HASH_BYTES);
        level.count = to;
      }
    }
  }
}

function prefix(leafHashes: readonly string[], size: number, min: number): MerkleTree {
  if (!isSize(size) || size < min || size > leafHashes.length) {
    throw new RangeError(`tree size ${size} is outside ${min}..${leafHashes.length}`);
  }
  return new MerkleTree(leafHashes.slice(0, size));
}

/** MTH(D[n]) over all the given leaf hashes (O(n) hashes; use MerkleTree to reuse work). */
export function rootHash(leafHashes: readonly string[]): Promise<string> {
  return Promise.resolve().then(() => new MerkleTree(leafHashes).root());
}

/** PATH(index, D[treeSize]) over the first treeSize leaf hashes (O(n) hashes). */
export function inclusionProof(
  leafHashes: readonly string[],
  index: number,
  treeSize: number,
): Promise<string[]> {
  return Promise.resolve().then(() => prefix(leafHashes, treeSize, 1).inclusion(index));
}

/** PROOF(first, D[second]) over the first `second` leaf hashes, 0 < first ≤ second (O(n) hashes). */
export function consistencyProof(
  leafHashes: readonly string[],
  first: number,
  second: number,
): Promise<string[]> {
  return Promise.resolve().then(() => prefix(leafHashes, second, 1).consistency(first));
}

/**
 * RFC 9162 §2.1.3.2: does `proof` show `leafHash` at `index` in the tree of `treeSize`
 * leaves whose root is `root`? False (never throws) on any malformed input.
 */
export async function verifyInclusion(
  leafHash: string,
  index: number,
  treeSize: number,
  proof: readonly string[],
  root: string,
): Promise<boolean> {
  if (!isSize(index) || !isSize(treeSize) || index >= treeSize || !Array.isArray(proof)) return false;
  const leaf = hashBytes(leafHash);
  const path = proof.map(hashBytes);
  if (!leaf || !HEX_HASH.test(root) || path.some((p) => !p)) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of path as Uint8Array[]) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await node(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await node(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && toHex(r) === root;
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show the tree of `first` leaves with root `firstRoot` is a
 * prefix of the tree of `second` leaves with root `secondRoot`? 0 ≤ first ≤ second; for
 * first = second the proof must be empty and the roots equal, and for first = 0 it must be
 * empty and `firstRoot` the empty tree's root. False on any malformed input.
 */
export async function verifyConsistency(
  first: number,
  second: number,
  firstRoot: string,
  secondRoot: string,
  proof: readonly string[],
): Promise<boolean> {
  if (!isSize(first) || !isSize(second) || first > second || !Array.isArray(proof)) return false;
  if (!HEX_HASH.test(firstRoot) || !HEX_HASH.test(secondRoot)) return false;
  if (first === 0) return proof.length === 0 && firstRoot === toHex(await digest(new Uint8Array(0)));
  if (first === second) return proof.length === 0 && firstRoot === secondRoot;
  const path = proof.map(hashBytes);
  if (path.some((p) => !p)) return false;
  if (isPowerOfTwo(first)) path.unshift(hashBytes(firstRoot));
  const [seed, ...rest] = path as Uint8Array[];
  if (!seed) return false;
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = seed;
  let sr = seed;
  for (const c of rest) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = await node(c, fr);
      sr = await node(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = await node(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return toHex(fr) === firstRoot && toHex(sr) === secondRoot && sn === 0;
}

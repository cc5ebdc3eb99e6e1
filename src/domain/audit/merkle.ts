// RFC 6962 (RFC 9162 §2.1) Merkle tree hashing over the audit log: leaf hash =
// SHA-256(0x00 ‖ leaf), interior node = SHA-256(0x01 ‖ left ‖ right), a tree of n leaves
// split at the largest power of two below n. Hashes are lowercase hex. Web APIs only, so
// the same code verifies proofs in a browser.

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function sha256Hex(parts: Uint8Array[]): Promise<string> {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  const data = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    data.set(part, offset);
    offset += part.length;
  }
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', data)));
}

export function leafHash(leaf: Uint8Array | string): Promise<string> {
  const bytes = typeof leaf === 'string' ? new TextEncoder().encode(leaf) : leaf;
  return sha256Hex([Uint8Array.of(0), bytes]);
}

export function nodeHash(left: string, right: string): Promise<string> {
  return sha256Hex([Uint8Array.of(1), hexToBytes(left), hexToBytes(right)]);
}

/** Largest power of two strictly below n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Subtree roots memoised by (start, size) for the duration of one computation. */
class Subtrees {
  private readonly memo = new Map<string, Promise<string>>();
  constructor(private readonly leaves: readonly string[]) {}

  root(start: number, size: number): Promise<string> {
    if (size === 1) return Promise.resolve(this.leaves[start]!);
    const key = `${start}:${size}`;
    let hash = this.memo.get(key);
    if (!hash) {
      const k = split(size);
      hash = Promise.all([this.root(start, k), this.root(start + k, size - k)]).then(([l, r]) =>
        nodeHash(l, r),
      );
      this.memo.set(key, hash);
    }
    return hash;
  }
}

function checkSize(leafHashes: readonly string[], size: number) {
  if (!Number.isSafeInteger(size) || size < 0 || size > leafHashes.length) {
    throw new RangeError(`tree size ${size} is outside 0..${leafHashes.length}`);
  }
}

/** MTH(D[n]); the empty tree's root is SHA-256 of nothing. */
export async function rootHash(leafHashes: readonly string[]): Promise<string> {
  if (leafHashes.length === 0) return sha256Hex([]);
  return new Subtrees(leafHashes).root(0, leafHashes.length);
}

/** PATH(m, D[n]) of RFC 6962 §2.1.1. */
export async function inclusionProof(
  leafHashes: readonly string[],
  index: number,
  treeSize: number,
): Promise<string[]> {
  checkSize(leafHashes, treeSize);
  if (!Number.isSafeInteger(index) || index < 0 || index >= treeSize) {
    throw new RangeError(`leaf ${index} is outside a tree of ${treeSize}`);
  }
  const tree = new Subtrees(leafHashes);
  const path = async (m: number, start: number, n: number): Promise<string[]> => {
    if (n === 1) return [];
    const k = split(n);
    return m < k
      ? [...(await path(m, start, k)), await tree.root(start + k, n - k)]
      : [...(await path(m - k, start + k, n - k)), await tree.root(start, k)];
  };
  return path(index, 0, treeSize);
}

/** PROOF(m, D[n]) of RFC 6962 §2.1.2. */
export async function consistencyProof(
  leafHashes: readonly string[],
  first: number,
  second: number,
): Promise<string[]> {
  checkSize(leafHashes, second);
  if (!Number.isSafeInteger(first) || first < 1 || first > second) {
    throw new RangeError(`first size ${first} must be within 1..${second}`);
  }
  const tree = new Subtrees(leafHashes);
  const subproof = async (m: number, start: number, n: number, whole: boolean): Promise<string[]> => {
    if (m === n) return whole ? [] : [await tree.root(start, n)];
    const k = split(n);
    return m <= k
      ? [...(await subproof(m, start, k, whole)), await tree.root(start + k, n - k)]
      : [...(await subproof(m - k, start + k, n - k, false)), await tree.root(start, k)];
  };
  return subproof(first, 0, second, true);
}

/** RFC 9162 §2.1.3.2. */
export async function verifyInclusion(
  leaf: string,
  index: number,
  treeSize: number,
  proof: readonly string[],
  root: string,
): Promise<boolean> {
  if (index < 0 || index >= treeSize) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && r === root;
}

/** RFC 9162 §2.1.4.2. */
export async function verifyConsistency(
  first: number,
  second: number,
  firstRoot: string,
  secondRoot: string,
  proof: readonly string[],
): Promise<boolean> {
  if (first < 1 || first > second) return false;
  if (first === second) return proof.length === 0 && firstRoot === secondRoot;
  const path = [...proof];
  if ((first & (first - 1)) === 0) path.unshift(firstRoot);
  if (path.length === 0) return false;
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn >>= 1;
    sn >>= 1;
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr === firstRoot && sr === secondRoot && sn === 0;
}

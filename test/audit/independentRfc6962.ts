// An independent RFC 6962 verifier for the tests, written from the RFC's definitions and
// importing nothing from src/: MTH by the recursive definition (§2.1), and proofs checked
// by rebuilding the tree the way PATH (§2.1.1) and SUBPROOF (§2.1.2) build them.
import { createHash } from 'node:crypto';

const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const leaf = (data: Buffer) => sha256(Buffer.from([0x00]), data);
const node = (left: Buffer, right: Buffer) => sha256(Buffer.from([0x01]), left, right);

/** k: the largest power of two smaller than n. */
function splitPoint(n: number): number {
  return 2 ** Math.floor(Math.log2(n - 1));
}

/** MTH(D[n]) straight from the definition. */
export function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leaf(leaves[0]!);
  const k = splitPoint(leaves.length);
  return node(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

export function leafHashOf(data: Buffer | string): string {
  return leaf(Buffer.from(data)).toString('hex');
}

/** Rebuilds the root from a leaf and PATH(m, D[n]); undefined when the proof has the wrong shape. */
function rootFromPath(m: number, n: number, leafHash: Buffer, path: Buffer[]): Buffer | undefined {
  if (n === 1) return path.length === 0 ? leafHash : undefined;
  const sibling = path.at(-1);
  if (!sibling) return undefined;
  const rest = path.slice(0, -1);
  const k = splitPoint(n);
  if (m < k) {
    const left = rootFromPath(m, k, leafHash, rest);
    return left && node(left, sibling);
  }
  const right = rootFromPath(m - k, n - k, leafHash, rest);
  return right && node(sibling, right);
}

export function verifyInclusionProof(
  leafHashHex: string,
  index: number,
  treeSize: number,
  proofHex: string[],
  rootHex: string,
): boolean {
  if (!Number.isInteger(index) || index < 0 || index >= treeSize) return false;
  const root = rootFromPath(
    index,
    treeSize,
    Buffer.from(leafHashHex, 'hex'),
    proofHex.map((h) => Buffer.from(h, 'hex')),
  );
  return root !== undefined && root.toString('hex') === rootHex;
}

/**
 * Rebuilds [hash of the old tree's part of this range, hash of this range] from
 * SUBPROOF(m, D[n], b), consuming the proof from its end.
 */
function rebuild(
  m: number,
  n: number,
  whole: boolean,
  proof: Buffer[],
  firstRoot: Buffer,
): [Buffer, Buffer] | undefined {
  if (m === n) {
    if (whole) return proof.length === 0 ? [firstRoot, firstRoot] : undefined;
    return proof.length === 1 ? [proof[0]!, proof[0]!] : undefined;
  }
  const last = proof.at(-1);
  if (!last) return undefined;
  const rest = proof.slice(0, -1);
  const k = splitPoint(n);
  if (m <= k) {
    const inner = rebuild(m, k, whole, rest, firstRoot);
    return inner && [inner[0], node(inner[1], last)];
  }
  const inner = rebuild(m - k, n - k, false, rest, firstRoot);
  return inner && [node(last, inner[0]), node(last, inner[1])];
}

export function verifyConsistencyProof(
  first: number,
  second: number,
  firstRootHex: string,
  secondRootHex: string,
  proofHex: string[],
): boolean {
  if (!Number.isInteger(first) || first < 1 || first > second) return false;
  const firstRoot = Buffer.from(firstRootHex, 'hex');
  const rebuilt = rebuild(
    first,
    second,
    true,
    proofHex.map((h) => Buffer.from(h, 'hex')),
    firstRoot,
  );
  return (
    rebuilt !== undefined &&
    rebuilt[0].toString('hex') === firstRootHex &&
    rebuilt[1].toString('hex') === secondRootHex
  );
}

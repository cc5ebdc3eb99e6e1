// The audit log's Merkle tree at 100,000 leaves: the cached MerkleTree against the
// baseline of recomputing from scratch (the free functions), measured in the same run.
// From-scratch proofs cost a whole tree each (~n hashes), so the baseline is timed on a
// sample and its per-proof time is scaled to the full count; the cached runs are timed in
// full. Run: npx tsx bench/merkle.bench.ts
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  MerkleTree,
  rootHash,
  verifyConsistency,
  verifyInclusion,
} from '../src/domain/audit/merkle.js';

const LEAVES = 100_000;
const INCLUSIONS = 1000;
const CONSISTENCIES = 100;
const BASELINE_INCLUSIONS = 10;
const BASELINE_CONSISTENCIES = 5;

/** Deterministic pseudo-random integers (xorshift32), so runs are comparable. */
let seed = 0x9e3779b9;
function randomBelow(n: number): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
}

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await run();
  return [result, performance.now() - start];
}

const ms = (t: number) => `${t.toFixed(1).padStart(9)} ms`;
const line = (label: string, text: string) => console.log(`${label.padEnd(52)} ${text}`);

const [leaves, leafTime] = await timed(async () => {
  const out: string[] = [];
  for (let i = 0; i < LEAVES; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, LEAVES - i) }, (_, j) =>
      leafHash((i + j).toString(16).padStart(64, '0')),
    );
    out.push(...(await Promise.all(batch)));
  }
  return out;
});
line(`${LEAVES} leaf hashes`, ms(leafTime));

// Roots.
const [scratchRoot, scratchRootTime] = await timed(() => rootHash(leaves));
const tree = new MerkleTree(leaves);
const [coldRoot, coldRootTime] = await timed(() => tree.root());
const [warmRoot, warmRootTime] = await timed(() => tree.root());
if (coldRoot !== scratchRoot || warmRoot !== scratchRoot) throw new Error('roots disagree');
line('root, from scratch (baseline)', ms(scratchRootTime));
line('root, MerkleTree first call (fills the cache)', ms(coldRootTime));
line('root, MerkleTree cached', `${ms(warmRootTime)}  (${(scratchRootTime / warmRootTime).toFixed(0)}x)`);

// Inclusion proofs at random indices in random tree sizes.
const inclusionCases = Array.from({ length: INCLUSIONS }, () => {
  const size = 1 + randomBelow(LEAVES);
  return [randomBelow(size), size] as const;
});
const [, scratchInclusionSample] = await timed(async () => {
  for (const [index, size] of inclusionCases.slice(0, BASELINE_INCLUSIONS)) {
    const proof = await inclusionProof(leaves, index, size);
    if ((await tree.inclusion(index, size)).join() !== proof.join()) throw new Error('proofs disagree');
  }
});
const scratchInclusionPerOp = scratchInclusionSample / BASELINE_INCLUSIONS;
const [inclusionProofs, cachedInclusionTime] = await timed(async () => {
  const out: string[][] = [];
  for (const [index, size] of inclusionCases) out.push(await tree.inclusion(index, size));
  return out;
});
for (const [n, [index, size]] of inclusionCases.slice(0, 20).entries()) {
  const ok = await verifyInclusion(leaves[index]!, index, size, inclusionProofs[n]!, await tree.root(size));
  if (!ok) throw new Error(`inclusion proof ${index}/${size} does not verify`);
}
line(
  `${INCLUSIONS} inclusion proofs, from scratch (baseline)`,
  `${ms(scratchInclusionPerOp * INCLUSIONS)}  (${scratchInclusionPerOp.toFixed(1)} ms/proof over ${BASELINE_INCLUSIONS})`,
);
line(
  `${INCLUSIONS} inclusion proofs, MerkleTree cached`,
  `${ms(cachedInclusionTime)}  (${((scratchInclusionPerOp * INCLUSIONS) / cachedInclusionTime).toFixed(0)}x)`,
);

// Consistency proofs between random pairs of sizes.
const consistencyCases = Array.from({ length: CONSISTENCIES }, () => {
  const second = 1 + randomBelow(LEAVES);
  return [1 + randomBelow(second), second] as const;
});
const [, scratchConsistencySample] = await timed(async () => {
  for (const [first, second] of consistencyCases.slice(0, BASELINE_CONSISTENCIES)) {
    const proof = await consistencyProof(leaves, first, second);
    if ((await tree.consistency(first, second)).join() !== proof.join()) throw new Error('proofs disagree');
  }
});
const scratchConsistencyPerOp = scratchConsistencySample / BASELINE_CONSISTENCIES;
const [consistencyProofs, cachedConsistencyTime] = await timed(async () => {
  const out: string[][] = [];
  for (const [first, second] of consistencyCases) out.push(await tree.consistency(first, second));
  return out;
});
for (const [n, [first, second]] of consistencyCases.slice(0, 20).entries()) {
  const [r1, r2] = [await tree.root(first), await tree.root(second)];
  if (!(await verifyConsistency(first, second, r1, r2, consistencyProofs[n]!))) {
    throw new Error(`consistency proof ${first}→${second} does not verify`);
  }
}
line(
  `${CONSISTENCIES} consistency proofs, from scratch (baseline)`,
  `${ms(scratchConsistencyPerOp * CONSISTENCIES)}  (${scratchConsistencyPerOp.toFixed(1)} ms/proof over ${BASELINE_CONSISTENCIES})`,
);
line(
  `${CONSISTENCIES} consistency proofs, MerkleTree cached`,
  `${ms(cachedConsistencyTime)}  (${((scratchConsistencyPerOp * CONSISTENCIES) / cachedConsistencyTime).toFixed(0)}x)`,
);

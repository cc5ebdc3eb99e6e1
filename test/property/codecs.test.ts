// Property-based tests of the parsers and codecs the service owns: CAIP-10 accounts, the
// EIP-4361 message comparison, IINs, the canonical form of EOA signatures, status-list
// encoding, and RFC 6962 inclusion and consistency proofs (checked against the
// independent implementation in test/audit/independentRfc6962.ts as well as our own).
import fc from 'fast-check';
import { getAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_NAMESPACES,
  nonCanonicalEoaSignature,
  SECP256K1_N,
} from '../../src/domain/accounts/index.js';
import {
  buildWalletChallengeMessage,
  differingFields,
  nonceOf,
} from '../../src/domain/accounts/walletChallenge.js';
import {
  leafHash,
  MerkleTree,
  rootHash,
  verifyConsistency,
  verifyInclusion,
} from '../../src/domain/audit/merkle.js';
import { ProblemError } from '../../src/domain/errors.js';
import { iinCheckDigit, validateNationalId } from '../../src/domain/identity/nationalId.js';
import {
  decodeStatusList,
  encodeStatusList,
  type StatusBits,
  StatusList,
  StatusListDecodeError,
} from '../../src/domain/status/statusList.js';
import { verifyConsistencyProof, verifyInclusionProof } from '../audit/independentRfc6962.js';

const RUNS = 1000;
const hexString = (bytes: number) =>
  fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex'));
const address = hexString(20);
const chainId = fc.oneof(
  fc.integer({ min: 1, max: 100_000 }),
  fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
);

/** Throws nothing, or a ProblemError: a parser never fails with anything else. */
function outcome<T>(parse: () => T): { ok: true; value: T } | { ok: false; error: ProblemError } {
  try {
    return { ok: true, value: parse() };
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemError);
    return { ok: false, error: error as ProblemError };
  }
}

describe('CAIP-10 accounts', () => {
  it('normalises any case of a valid address to its EIP-55 form, idempotently', () => {
    fc.assert(
      fc.property(chainId, address, fc.constantFrom('lower', 'upper', 'checksum'), (chain, hex, form) => {
        const checksummed = getAddress(`0x${hex}`);
        const written =
          form === 'lower' ? `0x${hex}` : form === 'upper' ? `0x${hex.toUpperCase()}` : checksummed;
        const account = ACCOUNT_NAMESPACES.parse(`eip155:${chain}:${written}`);
        expect(account.id).toBe(`eip155:${chain}:${checksummed}`);
        expect(account.chainId).toBe(`eip155:${chain}`);
        expect(ACCOUNT_NAMESPACES.parse(account.id)).toEqual(account);
        expect(ACCOUNT_NAMESPACES.parseForLookup(account.id).id).toBe(account.id);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses a mixed-case address whose checksum is wrong, and chain IDs with leading zeros', () => {
    fc.assert(
      fc.property(chainId, address, fc.nat(39), (chain, hex, at) => {
        const checksummed = getAddress(`0x${hex}`).slice(2);
        const letters = [...checksummed].flatMap((c, i) => (/[a-fA-F]/.test(c) ? [i] : []));
        fc.pre(letters.length >= 2 && /[a-f]/.test(checksummed) && /[A-F]/.test(checksummed));
        const i = letters[at % letters.length]!;
        const c = checksummed[i]!;
        const flipped = `${checksummed.slice(0, i)}${c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()}${checksummed.slice(i + 1)}`;
        // Still mixed case after the flip, so the checksum decides.
        fc.pre(/[a-f]/.test(flipped) && /[A-F]/.test(flipped));
        expect(outcome(() => ACCOUNT_NAMESPACES.parse(`eip155:${chain}:0x${flipped}`)).ok).toBe(false);
        expect(outcome(() => ACCOUNT_NAMESPACES.parse(`eip155:0${chain}:0x${hex}`)).ok).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('answers any string with an account or a problem, never another error', () => {
    const piece = fc.oneof(
      fc.string(),
      fc.constantFrom('eip155', 'bip122', 'EIP155', '', '1', '0', '01', '0x', ':'),
      address.map((hex) => `0x${hex}`),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(piece, { maxLength: 5 }).map((p) => p.join(':')),
        ),
        (raw) => {
          const result = outcome(() => ACCOUNT_NAMESPACES.parse(raw));
          if (result.ok) expect(ACCOUNT_NAMESPACES.parse(result.value.id).id).toBe(result.value.id);
          else expect(result.error.status).toBe(422);
          const lookup = outcome(() => ACCOUNT_NAMESPACES.parseForLookup(raw));
          // Taking a checksum on trust may accept what parse refuses, never the other way round.
          if (result.ok) expect(lookup.ok).toBe(true);
        },
      ),
      { numRuns: RUNS * 5 },
    );
  });
});

describe('EIP-4361 message comparison', () => {
  const parameters = fc.record({
    chain: fc.integer({ min: 1, max: 1_000_000 }),
    hex: address,
    host: fc.domain(),
    port: fc.option(fc.integer({ min: 1, max: 65_535 }), { nil: undefined }),
    nonce: fc.stringMatching(/^[a-zA-Z0-9]{8,40}$/),
    issuedAt: fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2100, 0, 1) }),
    lifetime: fc.integer({ min: 1000, max: 600_000 }), // milliseconds
  });
  type Parameters = {
    chain: number;
    hex: string;
    host: string;
    port: number | undefined;
    nonce: string;
    issuedAt: number;
    lifetime: number;
  };
  const build = (p: Parameters) => {
    const domain = p.port ? `${p.host}:${p.port}` : p.host;
    return buildWalletChallengeMessage({
      account: ACCOUNT_NAMESPACES.parse(`eip155:${p.chain}:0x${p.hex}`),
      domain,
      uri: `https://${domain}`,
      serviceName: 'wallet-attest',
      nonce: p.nonce,
      issuedAt: new Date(p.issuedAt),
      expiresAt: new Date(p.issuedAt + p.lifetime),
    });
  };

  it('reads back the nonce, and finds no difference between a message and itself', () => {
    fc.assert(
      fc.property(parameters, (p) => {
        const message = build(p);
        expect(nonceOf(message)).toBe(p.nonce);
        expect(differingFields(message, message)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('names exactly the field that differs between two issued messages', () => {
    const field = fc.constantFrom('nonce', 'chainId', 'issuedAt', 'expirationTime', 'domain', 'address');
    fc.assert(
      fc.property(parameters, parameters, field, (p, q, name) => {
        const changed = {
          ...p,
          ...(name === 'nonce' ? { nonce: q.nonce } : {}),
          ...(name === 'chainId' ? { chain: q.chain } : {}),
          ...(name === 'issuedAt'
            ? { issuedAt: q.issuedAt, lifetime: p.lifetime + p.issuedAt - q.issuedAt } // same expiry
            : {}),
          ...(name === 'expirationTime' ? { lifetime: q.lifetime } : {}),
          ...(name === 'domain' ? { host: q.host } : {}),
          ...(name === 'address' ? { hex: q.hex } : {}),
        };
        const a = build(p);
        const b = build(changed);
        fc.pre(a !== b);
        const fields = differingFields(a, b);
        // A new domain changes the statement and the URI too; every other field is alone.
        if (name === 'domain') expect(fields).toEqual(['domain', 'statement', 'uri']);
        else expect(fields).toEqual([name]);
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on a mangled message', () => {
    fc.assert(
      fc.property(parameters, fc.string(), fc.nat(), (p, junk, at) => {
        const message = build(p);
        const i = at % (message.length + 1);
        const mangled = message.slice(0, i) + junk + message.slice(i + junk.length);
        const fields = differingFields(message, mangled);
        if (mangled === message) expect(fields).toEqual([]);
        nonceOf(mangled);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('IIN', () => {
  const birth = fc.date({
    min: new Date(Date.UTC(1800, 0, 1)),
    max: new Date(Date.UTC(2099, 11, 31)),
    noInvalidDate: true,
  });
  const first11 = fc
    .tuple(birth, fc.boolean(), fc.integer({ min: 0, max: 9999 }))
    .map(([date, female, serial]) => {
      const year = date.getUTCFullYear();
      const century = Math.floor((year - 1800) / 100); // 0, 1, 2
      const yy = String(year % 100).padStart(2, '0');
      const mm = String(date.getUTCMonth() + 1).padStart(2, '0');
      const dd = String(date.getUTCDate()).padStart(2, '0');
      return `${yy}${mm}${dd}${century * 2 + (female ? 2 : 1)}${String(serial).padStart(4, '0')}`;
    });

  it('accepts exactly the IINs whose check digit matches', () => {
    fc.assert(
      fc.property(first11, fc.integer({ min: 0, max: 9 }), (prefix, digit) => {
        const check = iinCheckDigit(prefix);
        const result = outcome(() => validateNationalId('KZ', `${prefix}${digit}`));
        expect(result.ok).toBe(check === digit);
        if (result.ok) expect(result.value).toBe(`${prefix}${digit}`);
        else expect(result.error.status).toBe(422);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('answers any string with a normalised IIN or 422 invalid-national-id', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^\s?\d{10,13}\s?$/)), (raw) => {
        const result = outcome(() => validateNationalId('KZ', raw));
        if (result.ok) expect(result.value).toMatch(/^\d{12}$/);
        else expect(result.error.slug).toBe('invalid-national-id');
      }),
      { numRuns: RUNS * 2 },
    );
  });
});

describe('EOA signature encoding', () => {
  const word = fc.bigInt({ min: 0n, max: (1n << 256n) - 1n });
  const hex32 = (n: bigint) => n.toString(16).padStart(64, '0');

  it('accepts exactly 65 bytes with 1 ≤ r < n, 1 ≤ s ≤ n/2 and v 27 or 28', () => {
    const near = fc.oneof(
      word,
      fc.constantFrom(0n, 1n, SECP256K1_N >> 1n, (SECP256K1_N >> 1n) + 1n, SECP256K1_N - 1n, SECP256K1_N),
    );
    fc.assert(
      fc.property(near, near, fc.integer({ min: 0, max: 255 }), (r, s, v) => {
        const signature = `0x${hex32(r)}${hex32(s)}${v.toString(16).padStart(2, '0')}`;
        const canonical =
          r >= 1n && r < SECP256K1_N && s >= 1n && s <= SECP256K1_N >> 1n && (v === 27 || v === 28);
        expect(nonCanonicalEoaSignature(signature) === undefined).toBe(canonical);
        // The malleated twin of a canonical signature is never canonical.
        if (canonical) {
          const twin = `0x${hex32(r)}${hex32(SECP256K1_N - s)}${(v === 27 ? 28 : 27).toString(16)}`;
          expect(nonCanonicalEoaSignature(twin)).toMatch(/high s/);
        }
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('refuses every other length and anything that is not hex', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.uint8Array({ maxLength: 200 }).map((b) => `0x${Buffer.from(b).toString('hex')}`),
        ),
        (raw) => {
          fc.pre(!/^0x[0-9a-fA-F]{130}$/.test(raw));
          expect(nonCanonicalEoaSignature(raw)).toBeTypeOf('string');
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('status lists', () => {
  const bits = fc.constantFrom<StatusBits>(1, 2, 4, 8);

  it('round-trips every status through encode and decode', async () => {
    await fc.assert(
      fc.asyncProperty(
        bits,
        fc.integer({ min: 1, max: 2000 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 200 }),
        async (width, size, writes) => {
          const list = new StatusList(size, width);
          const expected = new Map<number, number>();
          for (const [at, value] of writes) {
            const index = at % size;
            const status = value % (1 << width);
            list.set(index, status);
            expected.set(index, status);
          }
          const decoded = await decodeStatusList(await encodeStatusList(list));
          expect(decoded.bits).toBe(width);
          expect(decoded.size).toBeGreaterThanOrEqual(size);
          expect(decoded.size - size).toBeLessThan(8 / width);
          for (let i = 0; i < size; i++) expect(decoded.get(i)).toBe(expected.get(i) ?? 0);
          for (let i = size; i < decoded.size; i++) expect(decoded.get(i)).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses arbitrary claims with a StatusListDecodeError, never anything else', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.anything(),
        fc.oneof(fc.string(), fc.base64String(), fc.anything()),
        async (width, lst) => {
          try {
            await decodeStatusList({ bits: width, lst }, 1 << 16);
          } catch (error) {
            expect(error).toBeInstanceOf(StatusListDecodeError);
          }
        },
      ),
      // An object whose toString is not a function once made the error message itself throw.
      { numRuns: RUNS, examples: [[{ toString: 0 }, '']] },
    );
  });
});

describe('Merkle proofs', () => {
  const leaves = fc
    .array(fc.uint8Array({ maxLength: 16 }), { minLength: 1, maxLength: 70 })
    .chain((data) => fc.constant(data));

  it('proves the inclusion of any leaf in any tree size; a changed proof, leaf or root fails', async () => {
    await fc.assert(
      fc.asyncProperty(leaves, fc.nat(), fc.nat(), fc.nat(), async (data, a, b, c) => {
        const hashes = await Promise.all(data.map((d) => leafHash(d)));
        const tree = new MerkleTree(hashes);
        const size = 1 + (a % hashes.length);
        const index = b % size;
        const root = await tree.root(size);
        expect(root).toBe(await rootHash(hashes.slice(0, size)));
        const proof = await tree.inclusion(index, size);
        expect(await verifyInclusion(hashes[index]!, index, size, proof, root)).toBe(true);
        expect(verifyInclusionProof(hashes[index]!, index, size, proof, root)).toBe(true);
        if (proof.length > 0) {
          const j = c % proof.length;
          const forged = proof.with(j, flip(proof[j]!));
          expect(await verifyInclusion(hashes[index]!, index, size, forged, root)).toBe(false);
          expect(verifyInclusionProof(hashes[index]!, index, size, forged, root)).toBe(false);
        }
        expect(await verifyInclusion(flip(hashes[index]!), index, size, proof, root)).toBe(false);
        expect(await verifyInclusion(hashes[index]!, index, size, proof, flip(root))).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('proves any tree consistent with any smaller one, the empty tree included', async () => {
    await fc.assert(
      fc.asyncProperty(leaves, fc.nat(), fc.nat(), fc.nat(), async (data, a, b, c) => {
        const hashes = await Promise.all(data.map((d) => leafHash(d)));
        const tree = new MerkleTree(hashes);
        const second = 1 + (a % hashes.length);
        const first = b % (second + 1); // 0 ≤ first ≤ second
        const firstRoot = await tree.root(first);
        const secondRoot = await tree.root(second);
        const proof = await tree.consistency(first, second);
        expect(await verifyConsistency(first, second, firstRoot, secondRoot, proof)).toBe(true);
        if (first > 0) expect(verifyConsistencyProof(first, second, firstRoot, secondRoot, proof)).toBe(true);
        else expect(proof).toEqual([]);
        expect(await verifyConsistency(first, second, flip(firstRoot), secondRoot, proof)).toBe(false);
        // Every tree extends the empty one: from size 0 the proof commits to no second root.
        if (first > 0) {
          expect(await verifyConsistency(first, second, firstRoot, flip(secondRoot), proof)).toBe(false);
        }
        if (proof.length > 0) {
          const j = c % proof.length;
          expect(
            await verifyConsistency(first, second, firstRoot, secondRoot, proof.with(j, flip(proof[j]!))),
          ).toBe(false);
        }
      }),
      { numRuns: 400 },
    );
  });
});

function flip(hash: string): string {
  return (hash[0] === '0' ? '1' : '0') + hash.slice(1);
}

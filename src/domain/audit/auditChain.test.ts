import { describe, expect, it } from 'vitest';
import {
  type AuditEntry,
  auditEntryHash,
  canonicalJson,
  findChainBreak,
  GENESIS_HASH,
} from './auditChain.js';

async function chain(n: number): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const body = {
      seq,
      at: `2026-01-01T00:00:0${seq}.000Z`,
      actorType: 'citizen' as const,
      actorId: `id${seq}`,
      action: 'passkey.registered',
      subjectType: 'passkey',
      subjectId: `pk${seq}`,
      details: { b: 1, a: [2, { d: 3, c: 4 }] },
      prevHash,
    };
    const entry = { ...body, hash: await auditEntryHash(body) };
    entries.push(entry);
    prevHash = entry.hash;
  }
  return entries;
}

describe('audit hash chain', () => {
  it('encodes objects canonically', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}',
    );
  });

  it('accepts an intact chain', async () => {
    expect(await findChainBreak(await chain(5))).toBeUndefined();
  });

  it('detects an edited entry', async () => {
    const entries = await chain(5);
    entries[2] = { ...entries[2]!, action: 'passkey.removed' };
    expect(await findChainBreak(entries)).toEqual({ seq: 3, problem: 'hash-mismatch' });
  });

  it('detects a deleted entry', async () => {
    const entries = await chain(5);
    entries.splice(1, 1);
    expect(await findChainBreak(entries)).toEqual({ seq: 3, problem: 'sequence-gap' });
  });

  it('detects reordering even when sequence numbers are rewritten', async () => {
    const entries = await chain(5);
    const [second, third] = [entries[1]!, entries[2]!];
    entries[1] = { ...third, seq: 2 };
    entries[2] = { ...second, seq: 3 };
    expect(await findChainBreak(entries)).toEqual({ seq: 2, problem: 'prev-hash-mismatch' });
  });
});

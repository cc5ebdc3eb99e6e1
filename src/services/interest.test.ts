import { describe, expect, it } from 'vitest';
import { INTEREST_REFRESH_MS, type InterestWriter, rememberingInterestWriter } from './interest.js';

function counting(fail = () => false) {
  const calls: string[][] = [];
  const inner: InterestWriter = {
    async record(_clientId, accounts) {
      if (fail()) throw new Error('database is away');
      calls.push(accounts);
    },
  };
  return { inner, calls };
}

describe('rememberingInterestWriter', () => {
  it('writes a pair once per refresh step, and again after it or when the clock went back', async () => {
    const { inner, calls } = counting();
    const writer = rememberingInterestWriter(inner);
    const t0 = new Date('2026-12-01T00:00:00Z');
    await writer.record('c', ['a', 'b'], t0);
    await writer.record('c', ['a', 'b', 'x'], new Date(t0.getTime() + 1000));
    await writer.record('other', ['a'], new Date(t0.getTime() + 2000));
    expect(calls).toEqual([['a', 'b'], ['x'], ['a']]);
    await writer.record('c', ['a'], new Date(t0.getTime() + INTEREST_REFRESH_MS));
    await writer.record('c', ['b'], new Date(t0.getTime() - 1000));
    expect(calls.slice(3)).toEqual([['a'], ['b']]);
  });

  it('remembers nothing a failed write did not record, and forgets the oldest beyond its bound', async () => {
    let failing = true;
    const { inner, calls } = counting(() => failing);
    const writer = rememberingInterestWriter(inner, 2);
    const at = new Date();
    await expect(writer.record('c', ['a'], at)).rejects.toThrow();
    failing = false;
    await writer.record('c', ['a'], at);
    await writer.record('c', ['b'], at);
    await writer.record('c', ['d'], at);
    // 'a' was the oldest of three remembered with room for two: written again.
    await writer.record('c', ['a', 'b', 'd'], at);
    expect(calls).toEqual([['a'], ['b'], ['d'], ['a']]);
  });
});

import { describe, expect, it } from 'vitest';
import { guardedFetch, isInternalAddress } from './guardedFetch.js';

describe('webhook egress guard', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.2.3.4', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['93.184.216.34', false],
    ['8.8.8.8', false],
    ['::1', true],
    ['fd00::1', true],
    ['fe80::1', true],
    ['::ffff:127.0.0.1', true],
    ['2606:4700::1111', false],
  ])('%s is internal: %s', (address, internal) => {
    expect(isInternalAddress(address)).toBe(internal);
  });

  it('refuses hosts that resolve to internal addresses and passes public ones through', async () => {
    const calls: string[] = [];
    const inner = (async (input: RequestInfo | URL) => {
      calls.push(String(input));
      return new Response('ok');
    }) as typeof fetch;
    const send = guardedFetch(inner);
    await expect(send('http://localhost:9/hook')).rejects.toThrow(/internal address/);
    await expect(send('https://[::1]/hook')).rejects.toThrow(/internal address/);
    await expect(send('https://169.254.169.254/latest/meta-data')).rejects.toThrow(/internal address/);
    expect((await send('https://93.184.216.34/hook')).status).toBe(200);
    expect(calls).toEqual(['https://93.184.216.34/hook']);
  });
});

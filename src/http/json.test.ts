import { describe, expect, it } from 'vitest';
import { StoredJson } from '../domain/storedJson.js';
import { serializeJson } from './json.js';

describe('serializeJson', () => {
  const signed = JSON.stringify({
    sig: { uid: '0xab', message: { time: 1, data: '0x"\\u2028' } },
    signer: '0x1',
  });

  it('embeds stored JSON as it is, giving what parsing and re-serialising would', () => {
    const shape = (first: unknown, second: unknown) => ({
      results: [
        { account: 'a', attestation: { jwt: 'x.y.z', eip712: first, idx: 0 } },
        { account: 'b', status: 'none' },
        { account: 'c', attestation: { jwt: 'u.v.w', eip712: second, idx: 1 } },
      ],
    });
    const value = shape(new StoredJson(signed), new StoredJson('[1,2]'));
    const parsed = JSON.parse(serializeJson(value));
    expect(parsed.results[0].attestation.eip712).toEqual(JSON.parse(signed));
    expect(parsed.results[2].attestation.eip712).toEqual([1, 2]);
    expect(serializeJson(value)).toBe(JSON.stringify(shape(JSON.parse(signed), [1, 2])));
  });

  it('leaves strings that merely look like its markers alone', () => {
    const value = { account: '"stored-json:0123456789abcdef01234567:0"', eip712: new StoredJson('{}') };
    expect(JSON.parse(serializeJson(value))).toEqual({ account: value.account, eip712: {} });
  });

  it('is plain JSON.stringify without stored JSON, and stored JSON refuses plain JSON.stringify', () => {
    expect(serializeJson({ a: [1, { b: null }] })).toBe('{"a":[1,{"b":null}]}');
    expect(() => JSON.stringify({ eip712: new StoredJson('{}') })).toThrow(/serializeJson/);
  });
});

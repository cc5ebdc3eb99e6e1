// The per-chain publishing settings: off unless the registry is set, and every incomplete
// or malformed combination refused at start-up with the variable named.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

const REGISTRY = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const EAS = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512';
const KEY = `0x${'11'.repeat(32)}`;
const base = { CHAINS: 'eip155:1,eip155:8453', CHAIN_EIP155_8453_RPC_URL: 'https://base.example' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig({ ...base, ...env });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('chain publishing settings', () => {
  it('are off by default', () => {
    expect(loadConfig(base).chains.map((chain) => chain.attestations)).toEqual([undefined, undefined]);
  });

  it('take a registry, the EAS contract and a publisher key or a remote signer', () => {
    const withKey = loadConfig({
      ...base,
      CHAIN_EIP155_8453_ATTESTATION_REGISTRY: REGISTRY,
      CHAIN_EIP155_8453_EAS: EAS,
      CHAIN_EIP155_8453_PUBLISHER_KEY: KEY,
    });
    expect(withKey.chains[1]!.attestations).toEqual({
      eas: EAS,
      registry: REGISTRY,
      publisher: { privateKey: KEY },
    });
    const withSigner = loadConfig({
      ...base,
      CHAIN_EIP155_8453_ATTESTATION_REGISTRY: REGISTRY,
      CHAIN_EIP155_8453_EAS: EAS,
      CHAIN_EIP155_8453_PUBLISHER_SIGNER_URL: 'http://127.0.0.1:9000',
      CHAIN_EIP155_8453_PUBLISHER_ADDRESS: REGISTRY,
    });
    expect(withSigner.chains[1]!.attestations?.publisher).toEqual({
      signerUrl: 'http://127.0.0.1:9000',
      address: REGISTRY,
    });
  });

  it('refuse incomplete or malformed combinations, naming the variable', () => {
    const complete = {
      CHAIN_EIP155_8453_ATTESTATION_REGISTRY: REGISTRY,
      CHAIN_EIP155_8453_EAS: EAS,
      CHAIN_EIP155_8453_PUBLISHER_KEY: KEY,
    };
    expect(problems(complete)).toEqual([]);
    expect(problems({ ...complete, CHAIN_EIP155_8453_EAS: '' })).toEqual([
      expect.stringContaining('CHAIN_EIP155_8453_EAS must be'),
    ]);
    expect(problems({ ...complete, CHAIN_EIP155_8453_ATTESTATION_REGISTRY: '0x1234' })).toEqual([
      expect.stringContaining('CHAIN_EIP155_8453_ATTESTATION_REGISTRY must be'),
    ]);
    expect(problems({ ...complete, CHAIN_EIP155_8453_PUBLISHER_KEY: '0xabc' })).toEqual([
      expect.stringContaining('CHAIN_EIP155_8453_PUBLISHER_KEY must be'),
    ]);
    expect(
      problems({ ...complete, CHAIN_EIP155_8453_PUBLISHER_SIGNER_URL: 'http://signer.example' }),
    ).toEqual([expect.stringContaining('needs either CHAIN_EIP155_8453_PUBLISHER_KEY or both')]);
    expect(problems({ ...complete, CHAIN_EIP155_8453_RPC_URL: '' })).toEqual([
      expect.stringContaining('CHAIN_EIP155_8453_ATTESTATION_REGISTRY needs CHAIN_EIP155_8453_RPC_URL'),
    ]);
    expect(problems({ CHAIN_EIP155_1_PUBLISHER_KEY: KEY })).toEqual([
      'CHAIN_EIP155_1_PUBLISHER_KEY needs CHAIN_EIP155_1_ATTESTATION_REGISTRY',
    ]);
  });
});

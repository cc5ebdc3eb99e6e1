import { base64 } from '@scure/base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeWitness,
  encodeWitness,
  fullFormat,
  generateBitcoinKey,
} from '../../../../test/helpers/bitcoinKeys.js';
import { parseBitcoinAddress } from './address.js';
import { bip137AddressKind } from './bip137.js';
import { BITCOIN_MAINNET, BITCOIN_NETWORKS, BITCOIN_SIGNET } from './networks.js';
import { bip322MessageHash, verifyBitcoinProof } from './verify.js';

const mainnet = BITCOIN_NETWORKS[BITCOIN_MAINNET]!;
const signet = BITCOIN_NETWORKS[BITCOIN_SIGNET]!;
const onMainnet = (address: string) => parseBitcoinAddress(address, mainnet);

// BIP-322's test vectors: the key L3VFeEujGtevx9w18HD1fhRbCH67Az2dpCymeRE1SoPK6XQtaN2k.
const VECTOR_P2WPKH = 'bc1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0l';
const VECTOR_EMPTY =
  'AkcwRAIgM2gBAQqvZX15ZiysmKmQpDrG83avLIT492QBzLnQIxYCIBaTpOaD20qRlEylyxFSeEA2ba9YOixpX8z46TSDtS40ASECx/EgAxlkQpQ9hYjgGu6EBCPMVPwVIVJqO4XCsMvViHI=';
const VECTOR_HELLO =
  'AkcwRAIgZRfIY3p7/DoVTty6YZbWS71bc5Vct9p9Fia83eRmw2QCICK/ENGfwLtptFluMGs2KsqoNSk89pO7F29zJLUx9a/sASECx/EgAxlkQpQ9hYjgGu6EBCPMVPwVIVJqO4XCsMvViHI=';
const VECTOR_P2TR = 'bc1ppv609nr0vr25u07u95waq5lucwfm6tde4nydujnu8npg4q75mr5sxq8lt3';
const VECTOR_P2TR_HELLO =
  'AUHd69PrJQEv+oKTfZ8l+WROBHuy9HKrbFCJu7U1iK2iiEy1vMU5EfMtjc+VSHM7aU0SDbak5IUZRVno2P5mjSafAQ==';

describe('BIP-322 test vectors', () => {
  it('hashes messages with the BIP-322 tag', () => {
    expect(bip322MessageHash('')).toBe('c90c269c4f8fcbe6880f72a721ddfbf1914268a794cbb21cfafee13770ae19f1');
    expect(bip322MessageHash('Hello World')).toBe(
      'f0eb03b1a75ac6d9847f55c624a99169b5dccba2a31f5b23bea77ba270de0a7a',
    );
  });

  it('accepts the published P2WPKH signatures, each for its own message only', () => {
    const address = onMainnet(VECTOR_P2WPKH);
    expect(verifyBitcoinProof(address, '', VECTOR_EMPTY)).toEqual({
      result: 'valid',
      method: 'bip322-simple',
    });
    expect(verifyBitcoinProof(address, 'Hello World', VECTOR_HELLO)).toEqual({
      result: 'valid',
      method: 'bip322-simple',
    });
    expect(verifyBitcoinProof(address, '', VECTOR_HELLO).result).toBe('invalid');
    expect(verifyBitcoinProof(address, 'Hello World', VECTOR_EMPTY).result).toBe('invalid');
  });

  it('accepts the published P2TR signature and refuses it over a different message', () => {
    const address = onMainnet(VECTOR_P2TR);
    expect(verifyBitcoinProof(address, 'Hello World', VECTOR_P2TR_HELLO).result).toBe('valid');
    expect(verifyBitcoinProof(address, 'Hello World!', VECTOR_P2TR_HELLO)).toMatchObject({
      result: 'invalid',
    });
  });

  it('accepts the published vector in the full format too', () => {
    const full = fullFormat(VECTOR_P2WPKH, 'Hello World', VECTOR_HELLO);
    expect(verifyBitcoinProof(onMainnet(VECTOR_P2WPKH), 'Hello World', full)).toEqual({
      result: 'valid',
      method: 'bip322-full',
    });
  });
});

describe('BIP-322 signatures of generated keys', () => {
  const message = 'wallet-attest.example wants you to sign in with your Bitcoin account';

  for (const [label, network, net] of [
    ['mainnet', 'mainnet', mainnet],
    ['signet', 'testnet', signet],
  ] as const) {
    for (const type of ['p2shP2wpkh', 'p2wpkh', 'p2tr'] as const) {
      it(`${type} on ${label}: simple and full formats verify, another message does not`, () => {
        const key = generateBitcoinKey(network);
        const address = parseBitcoinAddress(key.addresses[type], net);
        const simple = key.sign(address.address, message);
        expect(verifyBitcoinProof(address, message, simple)).toEqual({
          result: 'valid',
          method: 'bip322-simple',
        });
        const full = fullFormat(address.address, message, simple);
        expect(verifyBitcoinProof(address, message, full)).toEqual({
          result: 'valid',
          method: 'bip322-full',
        });
        expect(verifyBitcoinProof(address, `${message}.`, simple).result).toBe('invalid');
        expect(verifyBitcoinProof(address, `${message}.`, full).result).toBe('invalid');
      });
    }
  }

  it('refuses a signature by another key (wrong address)', () => {
    const signer = generateBitcoinKey();
    const other = generateBitcoinKey();
    for (const type of ['p2shP2wpkh', 'p2wpkh', 'p2tr'] as const) {
      const signature = signer.sign(signer.addresses[type], message);
      expect(verifyBitcoinProof(onMainnet(other.addresses[type]), message, signature).result).toBe('invalid');
    }
    // The same key's signature for its P2WPKH address does not prove its P2SH-P2WPKH one.
    const p2wpkh = signer.sign(signer.addresses.p2wpkh, message);
    expect(verifyBitcoinProof(onMainnet(signer.addresses.p2shP2wpkh), message, p2wpkh).result).toBe(
      'invalid',
    );
  });

  it('refuses a witness whose public key does not hash to the address', () => {
    const signer = generateBitcoinKey();
    const other = generateBitcoinKey();
    for (const type of ['p2wpkh', 'p2shP2wpkh'] as const) {
      const [signature] = decodeWitness(signer.sign(signer.addresses[type], message));
      const forged = encodeWitness([signature!, other.publicKey]);
      expect(verifyBitcoinProof(onMainnet(signer.addresses[type]), message, forged)).toMatchObject({
        result: 'invalid',
        reason: 'the public key in the witness does not hash to the address',
      });
    }
  });

  it('refuses a P2WPKH signature whose sighash type byte is not SIGHASH_ALL', () => {
    const key = generateBitcoinKey();
    for (const type of ['p2wpkh', 'p2shP2wpkh'] as const) {
      const [signature, publicKey] = decodeWitness(key.sign(key.addresses[type], message));
      expect(signature!.at(-1)).toBe(0x01);
      for (const hashType of [0x00, 0x02, 0x03, 0x81, 0x82, 0x83]) {
        const changed = Uint8Array.from([...signature!.subarray(0, -1), hashType]);
        expect(
          verifyBitcoinProof(onMainnet(key.addresses[type]), message, encodeWitness([changed, publicKey!])),
        ).toMatchObject({
          result: 'invalid',
          reason: 'a BIP-322 signature ends with the SIGHASH_ALL type byte (0x01)',
        });
      }
    }
  });

  it('refuses a witness key that is not a point on the curve', () => {
    const key = generateBitcoinKey();
    const notAPoint = Uint8Array.from([0x02, ...new Uint8Array(32).fill(0xff)]);
    for (const type of ['p2wpkh', 'p2shP2wpkh'] as const) {
      const [signature] = decodeWitness(key.sign(key.addresses[type], message));
      expect(
        verifyBitcoinProof(onMainnet(key.addresses[type]), message, encodeWitness([signature!, notAPoint])),
      ).toMatchObject({
        result: 'invalid',
        reason: 'the public key in the witness is not a point on secp256k1',
      });
    }
  });

  it('refuses a P2TR signature over a different message, and one with a changed sighash byte', () => {
    const key = generateBitcoinKey();
    const address = onMainnet(key.addresses.p2tr);
    const signature = key.sign(address.address, 'another message');
    expect(verifyBitcoinProof(address, message, signature).result).toBe('invalid');
    const [schnorr] = decodeWitness(key.sign(address.address, message));
    // SIGHASH_NONE (0x02) appended: BIP-322 allows SIGHASH_ALL (or the default) only.
    const sighashNone = encodeWitness([Uint8Array.from([...schnorr!.subarray(0, 64), 0x02])]);
    expect(verifyBitcoinProof(address, message, sighashNone).result).toBe('invalid');
  });

  it('accepts a taproot key-path proof in its own spelling only: 64 bytes, or 65 ending with SIGHASH_ALL', () => {
    // Each signature with every type byte appended or changed, and without one: only the
    // form it was made in verifies. (bip322-js took a SIGHASH_DEFAULT signature with 0x00
    // appended, a 65-byte form BIP-341 makes invalid, as a second spelling of it.)
    const key = generateBitcoinKey();
    const address = onMainnet(key.addresses.p2tr);
    const cases = [
      { address, text: message, signature: key.sign(key.addresses.p2tr, message), made: 0x01 },
      { address, text: message, signature: key.signTaprootDefault(message), made: -1 },
      { address: onMainnet(VECTOR_P2TR), text: 'Hello World', signature: VECTOR_P2TR_HELLO, made: 0x01 },
    ];
    for (const { address: signer, text, signature, made } of cases) {
      const [schnorr] = decodeWitness(signature);
      expect(schnorr).toHaveLength(made < 0 ? 64 : 65);
      const body = schnorr!.subarray(0, 64);
      const accepted = [-1, ...Array.from({ length: 256 }, (_, b) => b)].filter((typeByte) => {
        const witness = typeByte < 0 ? body : Uint8Array.from([...body, typeByte]);
        return verifyBitcoinProof(signer, text, encodeWitness([witness])).result === 'valid';
      });
      expect(accepted).toEqual([made]);
    }
  });

  it('refuses malformed signatures as invalid', () => {
    const key = generateBitcoinKey();
    const address = onMainnet(key.addresses.p2wpkh);
    const simple = key.sign(address.address, message);
    const bytes = base64.decode(simple);
    for (const signature of [
      '',
      'not base64!',
      base64.encode(bytes.subarray(0, bytes.length - 5)),
      base64.encode(Uint8Array.from([...bytes, 0])),
      base64.encode(Uint8Array.from([1, 0])),
    ]) {
      expect(verifyBitcoinProof(address, message, signature).result).toBe('invalid');
    }
  });
});

describe('inconclusive proofs', () => {
  const message = 'inconclusive';

  it('are never valid: script-path taproot, P2WSH, P2PKH in BIP-322, full forms with more to them', () => {
    const key = generateBitcoinKey();
    const taproot = onMainnet(key.addresses.p2tr);
    const [schnorr] = decodeWitness(key.sign(taproot.address, message));
    const scriptPath = encodeWitness([
      schnorr!,
      Uint8Array.from([0x51]),
      Uint8Array.from([0xc0, ...new Uint8Array(32)]),
    ]);
    const p2wsh = onMainnet('bc1qeklep85ntjz4605drds6aww9u0qr46qzrv5xswd35uhjuj8ahfcqgf6hak');
    const p2wpkh = onMainnet(key.addresses.p2wpkh);
    const simple = key.sign(p2wpkh.address, message);
    const cases = [
      verifyBitcoinProof(taproot, message, scriptPath),
      verifyBitcoinProof(p2wsh, message, simple),
      verifyBitcoinProof(onMainnet(key.addresses.p2pkh), message, simple),
      verifyBitcoinProof(p2wpkh, message, fullFormat(p2wpkh.address, message, simple, { locktime: 1 })),
      verifyBitcoinProof(p2wpkh, message, fullFormat(p2wpkh.address, message, simple, { version: 2 })),
      verifyBitcoinProof(p2wpkh, message, fullFormat(p2wpkh.address, message, simple, { sequence: 1 })),
      verifyBitcoinProof(p2wpkh, message, fullFormat(p2wpkh.address, message, simple, { extraInput: true })),
    ];
    for (const outcome of cases) expect(outcome.result).toBe('inconclusive');
    // The same witness in the plain full form is valid: only the extra form made it inconclusive.
    expect(verifyBitcoinProof(p2wpkh, message, fullFormat(p2wpkh.address, message, simple)).result).toBe(
      'valid',
    );
  });

  it('a full-format transaction spending another message is invalid', () => {
    const key = generateBitcoinKey();
    const address = onMainnet(key.addresses.p2wpkh);
    const simple = key.sign(address.address, message);
    const full = fullFormat(address.address, message, simple, { spendsMessage: 'another' });
    expect(verifyBitcoinProof(address, message, full)).toMatchObject({
      result: 'invalid',
      method: 'bip322-full',
    });
  });
});

describe('BIP-137 (legacy) signatures', () => {
  const message = 'legacy';

  it('verify for P2PKH addresses of compressed and uncompressed keys', () => {
    for (const compressed of [true, false]) {
      const key = generateBitcoinKey('mainnet', { compressed });
      const signature = key.sign(key.addresses.p2pkh, message);
      const header = base64.decode(signature)[0]!;
      expect(bip137AddressKind(header)).toBe(compressed ? 'p2pkh-compressed' : 'p2pkh-uncompressed');
      expect(verifyBitcoinProof(onMainnet(key.addresses.p2pkh), message, signature)).toEqual({
        result: 'valid',
        method: 'bip137',
      });
      expect(verifyBitcoinProof(onMainnet(key.addresses.p2pkh), `${message}!`, signature).result).toBe(
        'invalid',
      );
    }
  });

  it('verify on signet', () => {
    const key = generateBitcoinKey('testnet');
    const address = parseBitcoinAddress(key.addresses.p2pkh, signet);
    expect(verifyBitcoinProof(address, message, key.sign(address.address, message)).result).toBe('valid');
  });

  it('refuse another key, and a header byte for another address type', () => {
    const key = generateBitcoinKey();
    const address = onMainnet(key.addresses.p2pkh);
    const signature = base64.decode(key.sign(address.address, message));
    expect(
      verifyBitcoinProof(onMainnet(generateBitcoinKey().addresses.p2pkh), message, base64.encode(signature)),
    ).toMatchObject({ result: 'invalid' });
    const recovery = (signature[0]! - 27) % 4;
    const withHeader = (header: number) => base64.encode(Uint8Array.from([header, ...signature.subarray(1)]));
    // Uncompressed-key header on a compressed key's address.
    expect(verifyBitcoinProof(address, message, withHeader(27 + recovery)).result).toBe('invalid');
    // P2SH-P2WPKH and P2WPKH headers on a P2PKH address.
    for (const header of [35 + recovery, 39 + recovery]) {
      expect(verifyBitcoinProof(address, message, withHeader(header))).toMatchObject({
        result: 'invalid',
        reason: expect.stringMatching(/^header byte \d+ is for P2(SH-P2)?WPKH addresses/),
      });
    }
    // Outside 27–42 it is no BIP-137 signature at all.
    expect(verifyBitcoinProof(address, message, withHeader(43)).result).not.toBe('valid');
  });

  it('are refused for segwit and taproot addresses, whatever the header', () => {
    const key = generateBitcoinKey();
    const legacy = base64.decode(key.sign(key.addresses.p2pkh, message));
    const recovery = (legacy[0]! - 27) % 4;
    const cases: [string, number][] = [
      [key.addresses.p2shP2wpkh, 35 + recovery],
      [key.addresses.p2wpkh, 39 + recovery],
      [key.addresses.p2wpkh, 31 + recovery],
      [key.addresses.p2tr, 31 + recovery],
    ];
    for (const [address, header] of cases) {
      const signature = base64.encode(Uint8Array.from([header, ...legacy.subarray(1)]));
      expect(verifyBitcoinProof(onMainnet(address), message, signature)).toMatchObject({
        result: 'invalid',
        method: 'bip137',
        reason: expect.stringContaining('P2PKH addresses only'),
      });
    }
  });
});

describe('properties', () => {
  const message = 'any change refused';
  const key = generateBitcoinKey();
  const proofs = (['p2pkh', 'p2shP2wpkh', 'p2wpkh', 'p2tr'] as const).map((type) => {
    const address = onMainnet(key.addresses[type]);
    const signature = key.sign(address.address, message);
    const full = type === 'p2pkh' ? signature : fullFormat(address.address, message, signature);
    return { address, bytes: [base64.decode(signature), base64.decode(full)] };
  });

  it('a signature with any one byte changed is never valid', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...proofs),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        ({ address, bytes }, which, index, delta) => {
          const original = bytes[which % bytes.length]!;
          const mutated = Uint8Array.from(original);
          const at = index % mutated.length;
          mutated[at] = (mutated[at]! + delta) % 256;
          expect(verifyBitcoinProof(address, message, base64.encode(mutated)).result).not.toBe('valid');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('any string is answered with a result, never an exception', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...proofs),
        fc.oneof(fc.string(), fc.base64String()),
        ({ address }, signature) => {
          expect(['invalid', 'inconclusive']).toContain(
            verifyBitcoinProof(address, message, signature).result,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

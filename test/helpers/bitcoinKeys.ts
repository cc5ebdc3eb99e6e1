// Real Bitcoin keys for tests: a random secp256k1 key, its addresses of every supported
// type, and signatures made by bip322-js's signer (BIP-322 simple for segwit and taproot,
// BIP-137 for P2PKH), plus the full-format transaction around a simple witness.
import { schnorr, secp256k1 } from '@noble/curves/secp256k1';
import { createBase58check } from '@scure/base';
import { Address, BIP322, Signer, Witness } from 'bip322-js';
import { Transaction } from 'bitcoinjs-lib';
import { sha256 } from 'viem';

const base58check = createBase58check((data) => sha256(data, 'bytes'));

export type Network = 'mainnet' | 'testnet';

export interface BitcoinAddresses {
  p2pkh: string;
  p2shP2wpkh: string;
  p2wpkh: string;
  p2tr: string;
}

export interface BitcoinKey {
  wif: string;
  publicKey: Uint8Array;
  /** For a compressed key, every type; for an uncompressed one, P2PKH only matters. */
  addresses: BitcoinAddresses;
  /** BIP-322 simple (segwit, taproot) or BIP-137 (P2PKH), base64. */
  sign(address: string, message: string): string;
  /**
   * BIP-322 simple for the key's taproot address with SIGHASH_DEFAULT: the 64-byte form
   * (bip322-js's signer writes the 65-byte SIGHASH_ALL one), made here from BIP-341.
   */
  signTaprootDefault(message: string): string;
}

export function generateBitcoinKey(network: Network = 'mainnet', { compressed = true } = {}): BitcoinKey {
  const secret = secp256k1.utils.randomPrivateKey();
  const version = network === 'mainnet' ? 0x80 : 0xef;
  const wif = base58check.encode(Uint8Array.from([version, ...secret, ...(compressed ? [0x01] : [])]));
  const publicKey = secp256k1.getPublicKey(secret, compressed);
  const compressedKey = Buffer.from(secp256k1.getPublicKey(secret, true));
  const pick = (derived: { mainnet: string; testnet: string }) =>
    network === 'mainnet' ? derived.mainnet : derived.testnet;
  return {
    wif,
    publicKey,
    addresses: {
      p2pkh: pick(Address.convertPubKeyIntoAddress(Buffer.from(publicKey), 'p2pkh')),
      p2shP2wpkh: pick(Address.convertPubKeyIntoAddress(compressedKey, 'p2sh-p2wpkh')),
      p2wpkh: pick(Address.convertPubKeyIntoAddress(compressedKey, 'p2wpkh')),
      p2tr: pick(Address.convertPubKeyIntoAddress(compressedKey, 'p2tr')),
    },
    sign: (address, message) => Signer.sign(wif, address, message),
    signTaprootDefault: (message) => taprootDefaultSignature(secret, message, network),
  };
}

const SECP256K1_N = secp256k1.CURVE.n;

/** The key-path signature of BIP-322's to_sign over the SIGHASH_DEFAULT digest, by the tweaked key. */
function taprootDefaultSignature(secret: Uint8Array, message: string, network: Network): string {
  const point = secp256k1.ProjectivePoint.fromPrivateKey(secret);
  const internal = point.toRawBytes(true).subarray(1);
  const secretValue = BigInt(`0x${Buffer.from(secret).toString('hex')}`);
  // BIP-340 keys are x-only: a key whose point has an odd y signs as its negation.
  const d = point.toAffine().y % 2n === 0n ? secretValue : SECP256K1_N - secretValue;
  const tweak = BigInt(`0x${Buffer.from(schnorr.utils.taggedHash('TapTweak', internal)).toString('hex')}`);
  const tweaked = (d + tweak) % SECP256K1_N;
  const tweakedSecret = Uint8Array.from(Buffer.from(tweaked.toString(16).padStart(64, '0'), 'hex'));
  const derived = Address.convertPubKeyIntoAddress(Buffer.from(point.toRawBytes(true)), 'p2tr');
  const script = Address.convertAdressToScriptPubkey(
    network === 'mainnet' ? derived.mainnet : derived.testnet,
  );
  const toSpend = BIP322.buildToSpendTx(message, script);
  const toSign = new Transaction();
  toSign.version = 0;
  toSign.locktime = 0;
  toSign.addInput(toSpend.getHash(), 0, 0);
  toSign.addOutput(Buffer.from([0x6a]), 0);
  const digest = toSign.hashForWitnessV1(0, [script], [0], Transaction.SIGHASH_DEFAULT);
  return Witness.serialize([schnorr.sign(digest, tweakedSecret)]);
}

export function decodeWitness(simpleSignature: string): Buffer[] {
  return Witness.deserialize(simpleSignature);
}

export function encodeWitness(items: Uint8Array[]): string {
  return Witness.serialize(items);
}

/**
 * The BIP-322 full format of a simple signature: the to_sign transaction itself. The
 * overrides build the variants a verifier must not take for the plain form.
 */
export function fullFormat(
  address: string,
  message: string,
  simpleSignature: string,
  overrides: {
    version?: number;
    locktime?: number;
    sequence?: number;
    extraInput?: boolean;
    spendsMessage?: string;
  } = {},
): string {
  const scriptPubKey = Address.convertAdressToScriptPubkey(address);
  const toSpend = BIP322.buildToSpendTx(overrides.spendsMessage ?? message, scriptPubKey);
  const witness = Witness.deserialize(simpleSignature);
  const tx = new Transaction();
  tx.version = overrides.version ?? 0;
  tx.locktime = overrides.locktime ?? 0;
  let scriptSig = Buffer.alloc(0);
  if (Address.isP2SH(address)) {
    const redeemScript = Address.convertAdressToScriptPubkey(
      Address.convertPubKeyIntoAddress(witness[1]!, 'p2wpkh').mainnet,
    );
    scriptSig = Buffer.concat([Buffer.from([redeemScript.length]), redeemScript]);
  }
  tx.addInput(toSpend.getHash(), 0, overrides.sequence ?? 0, scriptSig);
  tx.setWitness(0, witness);
  if (overrides.extraInput) {
    tx.addInput(Buffer.alloc(32, 7), 1, 0);
    tx.setWitness(1, witness);
  }
  tx.addOutput(Buffer.from([0x6a]), 0);
  return tx.toBuffer().toString('base64');
}

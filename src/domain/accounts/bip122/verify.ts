// Proofs of control of a Bitcoin address over a message: BIP-322 (simple and full formats)
// and the legacy BIP-137 format for P2PKH. The signature arithmetic and the BIP-322
// transactions are bip322-js's; this module decides which checks apply to which address and
// keeps BIP-322's three outcomes apart: only `valid` proves anything, and `inconclusive`
// (a script or transaction form this verifier does not evaluate) is a refusal too.

import { base64, hex } from '@scure/base';
import { Address, BIP322, Verifier, Witness } from 'bip322-js';
import { Transaction } from 'bitcoinjs-lib';
import type { BitcoinAddress } from './address.js';
import { bip137AddressKind, describeBip137Kind, looksLikeBip137 } from './bip137.js';

export type BitcoinProofMethod = 'bip322-simple' | 'bip322-full' | 'bip137';

export const BITCOIN_PROOF_METHODS: readonly BitcoinProofMethod[] = [
  'bip322-simple',
  'bip322-full',
  'bip137',
];

export type BitcoinProofResult =
  | { result: 'valid'; method: BitcoinProofMethod }
  | { result: 'invalid'; method?: BitcoinProofMethod; reason: string }
  | { result: 'inconclusive'; method?: BitcoinProofMethod; reason: string };

const OP_RETURN = 0x6a;

/** The BIP-322 tagged hash of a message (sha256 with tag `BIP0322-signed-message`), as hex. */
export function bip322MessageHash(message: string): string {
  return hex.encode(BIP322.hashMessage(message));
}

/** Checks a base64 signature of `message` by `address`. Never throws on bad input. */
export function verifyBitcoinProof(
  address: BitcoinAddress,
  message: string,
  signature: string,
): BitcoinProofResult {
  try {
    return classifyAndVerify(address, message, signature);
  } catch (error) {
    // Library code that throws on input it rejects: a malformed proof, never a valid one.
    const detail = error instanceof Error ? error.message : String(error);
    return { result: 'invalid', reason: `the signature is malformed (${detail})` };
  }
}

function classifyAndVerify(address: BitcoinAddress, message: string, signature: string): BitcoinProofResult {
  let bytes: Uint8Array;
  try {
    bytes = base64.decode(signature.trim());
  } catch {
    return { result: 'invalid', reason: 'the signature is not base64 (RFC 4648, padded)' };
  }
  if (bytes.length === 0) return { result: 'invalid', reason: 'the signature is empty' };
  if (looksLikeBip137(bytes)) return verifyBip137(address, message, bytes);
  if (address.type === 'p2pkh') {
    return {
      result: 'inconclusive',
      reason:
        'P2PKH addresses are checked with legacy (BIP-137) signatures only, as BIP-322 provides; sign with "signmessage"',
    };
  }
  if (looksLikeFullTransaction(bytes)) return verifyFull(address, message, bytes);
  return verifyWitness(address, message, bytes, 'bip322-simple');
}

function verifyBip137(address: BitcoinAddress, message: string, bytes: Uint8Array): BitcoinProofResult {
  const method = 'bip137';
  const kind = bip137AddressKind(bytes[0]!)!;
  if (address.type !== 'p2pkh') {
    return {
      result: 'invalid',
      method,
      reason: `legacy (BIP-137) signatures are accepted for P2PKH addresses only, as BIP-322 provides; sign this ${describeType(address)} address with BIP-322`,
    };
  }
  if (kind !== 'p2pkh-uncompressed' && kind !== 'p2pkh-compressed') {
    return {
      result: 'invalid',
      method,
      reason: `header byte ${bytes[0]} is for ${describeBip137Kind(kind)}, not for this P2PKH address`,
    };
  }
  // Strict: the header's compression flag must match the key the address hashes.
  return conclude(
    method,
    () => Verifier.verifySignature(address.address, message, base64.encode(bytes), true),
    {
      reason: 'the key that made the signature does not hash to the address, or the message differs',
    },
  );
}

/** A full-format proof is a whole transaction: version 0 (or 2) as a little-endian int32 first. */
function looksLikeFullTransaction(bytes: Uint8Array): boolean {
  return bytes.length > 10 && bytes[1] === 0 && bytes[2] === 0 && bytes[3] === 0;
}

function verifyFull(address: BitcoinAddress, message: string, bytes: Uint8Array): BitcoinProofResult {
  const method = 'bip322-full';
  let tx: Transaction;
  try {
    tx = Transaction.fromBuffer(Buffer.from(bytes));
  } catch {
    return {
      result: 'invalid',
      method,
      reason: 'the signature is neither a BIP-322 witness nor a transaction',
    };
  }
  const scriptPubKey = Address.convertAdressToScriptPubkey(address.address);
  const toSpendId = BIP322.buildToSpendTx(message, scriptPubKey).getId();
  const out = tx.outs[0];
  if (
    tx.outs.length !== 1 ||
    !out ||
    out.value !== 0 ||
    out.script.length !== 1 ||
    out.script[0] !== OP_RETURN
  ) {
    return {
      result: 'invalid',
      method,
      reason: 'a BIP-322 to_sign transaction has exactly one output, OP_RETURN of 0',
    };
  }
  const input = tx.ins[0];
  if (!input || hex.encode(Uint8Array.from(input.hash).reverse()) !== toSpendId || input.index !== 0) {
    return {
      result: 'invalid',
      method,
      reason: 'the transaction does not spend the to_spend transaction of this message and address',
    };
  }
  // Further inputs (proof of funds), time locks or other versions are valid BIP-322 forms,
  // but they need UTXO state or rules this verifier does not evaluate.
  if (tx.ins.length !== 1 || tx.version !== 0 || tx.locktime !== 0 || input.sequence !== 0) {
    return {
      result: 'inconclusive',
      method,
      reason: 'full-format proofs with more inputs, time locks or a version other than 0 are not evaluated',
    };
  }
  const expectedScriptSig =
    address.type === 'p2sh' ? p2shP2wpkhScriptSig(input.witness[1]) : new Uint8Array();
  if (expectedScriptSig && hex.encode(input.script) !== hex.encode(expectedScriptSig)) {
    return { result: 'invalid', method, reason: 'the input script does not match the address type' };
  }
  // What is left is the simple format's content: the witness over the same to_sign.
  return verifyWitness(address, message, input.witness, method);
}

/** P2SH-P2WPKH's scriptSig: one push of the redeem script, the key's P2WPKH output script. */
function p2shP2wpkhScriptSig(publicKey: Uint8Array | undefined): Uint8Array | undefined {
  if (publicKey?.length !== 33) return undefined;
  const p2wpkh = addressesOf(publicKey, 'p2wpkh');
  if (!p2wpkh) return undefined;
  const redeemScript = Address.convertAdressToScriptPubkey(p2wpkh[0]!);
  return Uint8Array.from([redeemScript.length, ...redeemScript]);
}

/** The key's addresses of a type on every network, or undefined when it is no valid key. */
function addressesOf(publicKey: Uint8Array, type: 'p2sh-p2wpkh' | 'p2wpkh'): string[] | undefined {
  try {
    const derived = Address.convertPubKeyIntoAddress(Buffer.from(publicKey), type);
    return [derived.mainnet, derived.testnet, derived.regtest];
  } catch {
    return undefined;
  }
}

/** The sighash type that commits to the whole transaction (segwit v0, and taproot's 65-byte form). */
const SIGHASH_ALL = 0x01;

function verifyWitness(
  address: BitcoinAddress,
  message: string,
  witnessOrBytes: Uint8Array | Uint8Array[],
  method: 'bip322-simple' | 'bip322-full',
): BitcoinProofResult {
  let witness: Uint8Array[];
  try {
    witness = Array.isArray(witnessOrBytes)
      ? witnessOrBytes
      : Witness.deserialize(Buffer.from(witnessOrBytes));
  } catch {
    return { result: 'invalid', method, reason: 'the signature is not a serialised witness stack' };
  }
  const simple = Witness.serialize(witness);
  // Re-encoding must give the bytes back: no truncated item, no trailing data.
  if (!Array.isArray(witnessOrBytes) && simple !== base64.encode(witnessOrBytes)) {
    return { result: 'invalid', method, reason: 'the witness stack is truncated or followed by other data' };
  }
  switch (address.type) {
    case 'p2wsh':
      return { result: 'inconclusive', method, reason: 'P2WSH scripts are not evaluated' };
    case 'p2wpkh':
    case 'p2sh': {
      const isKeyWitness = witness.length === 2 && witness[1]!.length === 33;
      if (!isKeyWitness) {
        return address.type === 'p2sh'
          ? { result: 'inconclusive', method, reason: 'P2SH addresses are evaluated as P2SH-P2WPKH only' }
          : {
              result: 'invalid',
              method,
              reason: 'a P2WPKH witness is a signature and a compressed public key',
            };
      }
      // The library checks the signature against the SIGHASH_ALL digest whatever type byte
      // ends it; any other byte would be a second encoding of one proof (or a claim over a
      // digest nobody computed), so only SIGHASH_ALL is accepted, as BIP-322 signers write.
      if (witness[0]!.at(-1) !== SIGHASH_ALL) {
        return {
          result: 'invalid',
          method,
          reason: 'a BIP-322 signature ends with the SIGHASH_ALL type byte (0x01)',
        };
      }
      const derived = addressesOf(witness[1]!, address.type === 'p2sh' ? 'p2sh-p2wpkh' : 'p2wpkh');
      if (!derived) {
        return {
          result: 'invalid',
          method,
          reason: 'the public key in the witness is not a point on secp256k1',
        };
      }
      if (!derived.includes(address.address)) {
        return {
          result: 'invalid',
          method,
          reason: 'the public key in the witness does not hash to the address',
        };
      }
      break;
    }
    case 'p2tr': {
      if (witness.length !== 1) {
        return {
          result: 'inconclusive',
          method,
          reason: 'taproot script-path spends (or an annex) are not evaluated; sign with the key path',
        };
      }
      const length = witness[0]!.length;
      if (length !== 64 && length !== 65) {
        return {
          result: 'invalid',
          method,
          reason: 'a taproot key-path witness is one 64- or 65-byte signature',
        };
      }
      // BIP-341: a 65-byte signature names its sighash type, and 0x00 (the default) is only
      // ever written as the 64-byte form. The library takes 0x00 there as the default, so a
      // 64-byte proof with a zero appended would verify as a second spelling of itself.
      if (length === 65 && witness[0]!.at(-1) !== SIGHASH_ALL) {
        return {
          result: 'invalid',
          method,
          reason:
            'a 65-byte taproot signature ends with the SIGHASH_ALL type byte (0x01); a SIGHASH_DEFAULT one is 64 bytes',
        };
      }
      break;
    }
    default:
      return { result: 'inconclusive', method, reason: 'this address type is not evaluated' };
  }
  return conclude(method, () => Verifier.verifySignature(address.address, message, simple, true), {
    reason: 'the signature does not verify for this message and address',
  });
}

/** Runs the library check: `true` alone is valid; `false` or a thrown error is invalid. */
function conclude(
  method: BitcoinProofMethod,
  check: () => boolean,
  failure: { reason: string },
): BitcoinProofResult {
  try {
    if (check() === true) return { result: 'valid', method };
    return { result: 'invalid', method, reason: failure.reason };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { result: 'invalid', method, reason: `${failure.reason} (${detail})` };
  }
}

function describeType(address: BitcoinAddress): string {
  return { p2pkh: 'P2PKH', p2sh: 'P2SH', p2wpkh: 'P2WPKH', p2wsh: 'P2WSH', p2tr: 'P2TR' }[address.type];
}

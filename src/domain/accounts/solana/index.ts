// The solana namespace: CAIP-2 references are the first 32 characters of the genesis hash
// in base58 (mainnet `solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp`); addresses are base58
// ed25519 public keys. Challenges are Sign-In With Solana messages (the CAIP-122 family),
// written and checked by @solana/wallet-standard-util, the Wallet Standard's own code for
// `solana:signIn`: a wallet given the same input writes the same text. A wallet that only
// offers `solana:signMessage` (or any ed25519 signer) signs that text as it is.
import { ed25519 } from '@noble/curves/ed25519';
import { base58, base64, hex } from '@scure/base';
import { createSignInMessageText, parseSignInMessageText, verifySignIn } from '@solana/wallet-standard-util';
import { utf8 } from '../../encoding.js';
import { InvalidAccountError, SignatureInvalidError } from '../../errors.js';
import type { AccountId } from '../accountId.js';
import { caip122Fields, caip122Format } from '../caip122.js';
import type { ChallengeParameters, NamespaceAdapter } from '../namespace.js';

type SolanaSignInInput = Parameters<typeof verifySignIn>[0];

export const SOLANA_MAINNET = '5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp';
const SOLANA_DEVNET = 'EtWTRABZaYq6iMfeYKouRu166VU2xqa1';
const SOLANA_TESTNET = '4uhcVJyU9pJkvQyS88uRDiswHXSCkY3z';

/** Wallet Standard chain names, which wallets understand in `chainId`; others go as CAIP-2. */
const WALLET_STANDARD_CHAINS: Readonly<Record<string, string>> = {
  [SOLANA_MAINNET]: 'solana:mainnet',
  [SOLANA_DEVNET]: 'solana:devnet',
  [SOLANA_TESTNET]: 'solana:testnet',
};

function walletChainId(account: Pick<AccountId, 'reference' | 'chainId'>): string {
  return WALLET_STANDARD_CHAINS[account.reference] ?? account.chainId;
}

/** The `solana:signIn` input a challenge is made from: hand it to the wallet as it is. */
export function signInInput(p: ChallengeParameters): Parameters<typeof createSignInMessageText>[0] {
  const fields = caip122Fields(p, walletChainId(p.account));
  return { ...fields };
}

function decodeSignature(signature: string): Uint8Array {
  const decoders = [
    () => (signature.startsWith('0x') ? hex.decode(signature.slice(2).toLowerCase()) : undefined),
    () => base58.decode(signature),
    () => base64.decode(signature),
  ];
  for (const decode of decoders) {
    try {
      const bytes = decode();
      if (bytes?.length === 64) return bytes;
    } catch {
      // try the next encoding
    }
  }
  throw new SignatureInvalidError(
    'An ed25519 signature is 64 bytes, written in base58, base64 or 0x-prefixed hex',
  );
}

function strictlyValid(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

export const solanaAdapter: NamespaceAdapter = {
  namespace: 'solana',
  title: 'Solana',
  knownChains: {
    [SOLANA_MAINNET]: 'Solana mainnet',
    [SOLANA_DEVNET]: 'Solana devnet',
    [SOLANA_TESTNET]: 'Solana testnet',
  },

  normaliseReference(reference) {
    if (!/^[1-9A-HJ-NP-Za-km-z]{32}$/.test(reference)) {
      throw new InvalidAccountError(
        `solana chain references are the first 32 base58 characters of the genesis hash (got "${reference}"; mainnet is ${SOLANA_MAINNET})`,
      );
    }
    return reference;
  },

  normaliseAddress(address) {
    let key: Uint8Array;
    try {
      key = base58.decode(address);
    } catch {
      throw new InvalidAccountError(`"${address}" is not base58`);
    }
    // One spelling per key: no extra leading 1s (zero bytes).
    if (key.length !== 32 || base58.encode(key) !== address) {
      throw new InvalidAccountError(`"${address}" is not a base58 ed25519 public key (32 bytes)`);
    }
    return address;
  },

  challenge: caip122Format('Solana', (p) => walletChainId(p.account), {
    write: (m) => createSignInMessageText(m),
  }),
  proofMethods: ['siws'],
  attestationForms: ['jwt'],
  signatureEncoding: 'base58, base64 or 0x-prefixed hex, 64 bytes',

  verifySignature({ message, signature, account }) {
    const parsed = parseSignInMessageText(message);
    if (!parsed) throw new SignatureInvalidError('The message is not a Sign-In With Solana message');
    const input: SolanaSignInInput = { ...parsed, address: account.address };
    const publicKey = base58.decode(account.address);
    const signedMessage = utf8(message);
    const bytes = decodeSignature(signature);
    const valid =
      verifySignIn(input, {
        account: { address: account.address, publicKey, chains: [], features: [] },
        signedMessage,
        signature: bytes,
      }) &&
      // And by RFC 8032's strict rules (verifySignIn follows ZIP-215's lenient ones), so a
      // key and message have no second encoding of an accepted signature.
      strictlyValid(bytes, signedMessage, publicKey);
    if (!valid) {
      throw new SignatureInvalidError(`The signature was not made by ${account.address} over this message`);
    }
    return 'siws';
  },
};

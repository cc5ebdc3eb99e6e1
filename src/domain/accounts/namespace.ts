// The namespace port: everything the service knows about one CAIP-2 namespace lives in
// one adapter. The use cases, routes and schemas only ever call through this interface,
// so a namespace is added by writing an adapter and registering it in ./index.ts; its
// chains are then enabled by configuration (CHAINS).
import type { AccountId, AccountNamespace } from './accountId.js';

/** The forms of attestation the service can issue for a binding. */
export type AttestationForm = 'jwt' | 'eip712';

/** What goes into a challenge; the adapter decides how it is written. */
export interface ChallengeParameters {
  account: AccountId;
  /** RFC 3986 authority of the service, e.g. `attest.example.kz` or `localhost:8787`. */
  domain: string;
  /** The service's origin, e.g. `https://attest.example.kz`. */
  uri: string;
  serviceName: string;
  /** At least 96 random bits, alphanumeric. */
  nonce: string;
  issuedAt: Date;
  expiresAt: Date;
}

/** The text a holder signs, and how a submitted text is read back. */
export interface ChallengeFormat {
  build(p: ChallengeParameters): string;
  /** The nonce of a submitted message, or undefined when the text carries none. */
  nonceOf(message: string): string | undefined;
  /**
   * The fields in which `submitted` differs from `issued`; empty when only the layout
   * differs. Called only when the two are not byte for byte equal.
   */
  differingFields(issued: string, submitted: string): string[];
  /**
   * A 32-byte digest of the message, 0x-prefixed lower-case hex: the challenge's handle for
   * on-chain proofs (keccak256 for eip155, the argument of proveControl(bytes32)).
   */
  digest(message: string): string;
}

/** A signed challenge, as a verifier is asked about it. */
export interface SignedChallenge {
  /** The message as issued (already compared byte for byte). */
  message: string;
  signature: string;
  account: AccountId;
  domain: string;
  nonce: string;
}

/**
 * Checks a signed challenge without a chain: returns the proof method, or throws
 * SignatureInvalidError / SignatureNotCanonicalError. Namespaces whose proofs need a chain
 * (contract wallets of eip155) get their verifier from the chain adapter instead.
 */
export type OfflineVerifier = (p: SignedChallenge) => string | Promise<string>;

export interface NamespaceAdapter extends AccountNamespace {
  /** e.g. `Ethereum and EVM chains`: for metadata and error messages. */
  readonly title: string;
  /** Chain references with a name, e.g. mainnet's; any reference the parser accepts may be configured. */
  readonly knownChains: Readonly<Record<string, string>>;
  readonly challenge: ChallengeFormat;
  /** Every proof method a binding of this namespace can carry (the attestation's `method`). */
  readonly proofMethods: readonly string[];
  /** Proof methods that need a chain RPC endpoint (and so are offered only where one is configured). */
  readonly rpcProofMethods?: readonly string[];
  readonly attestationForms: readonly AttestationForm[];
  /** Present when signatures are checked offline. */
  readonly verifySignature?: OfflineVerifier;
  /** What a signature looks like, for error messages (e.g. `0x-prefixed hex`). */
  readonly signatureEncoding: string;
}

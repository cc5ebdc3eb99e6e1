import { AccountNamespaces } from './accountId.js';
import { bip122Adapter } from './bip122/index.js';
import { eip155Adapter } from './eip155.js';
import type { NamespaceAdapter } from './namespace.js';
import { solanaAdapter } from './solana/index.js';
import { tronAdapter } from './tron/index.js';

export type { AccountId, AccountNamespace, LookupAccountId } from './accountId.js';
export { AccountNamespaces } from './accountId.js';
export { bip122Adapter } from './bip122/index.js';
export { eip155Adapter, eip155Namespace } from './eip155.js';
export { nonCanonicalEoaSignature, requireCanonicalEoaSignature, SECP256K1_N } from './eoaSignature.js';
export type {
  AttestationForm,
  ChallengeFormat,
  ChallengeParameters,
  NamespaceAdapter,
  OfflineVerifier,
  SignedChallenge,
} from './namespace.js';
export { solanaAdapter } from './solana/index.js';
export { tronAdapter } from './tron/index.js';

/**
 * Every namespace the service understands, one adapter each; chains within them are enabled
 * by configuration. Adding a namespace is one line here.
 */
export const NAMESPACE_ADAPTERS: readonly NamespaceAdapter[] = [
  eip155Adapter,
  tronAdapter,
  solanaAdapter,
  bip122Adapter,
];

export const ACCOUNT_NAMESPACES = new AccountNamespaces(NAMESPACE_ADAPTERS);

/** The adapter of a namespace the service understands. */
export function namespaceAdapter(namespace: string): NamespaceAdapter {
  const adapter = NAMESPACE_ADAPTERS.find((candidate) => candidate.namespace === namespace);
  if (!adapter) throw new Error(`No adapter for namespace ${namespace}`);
  return adapter;
}

/** The nonce of a submitted challenge, whichever namespace's format it is in. */
export function nonceOfAnyChallenge(message: string): string | undefined {
  for (const adapter of NAMESPACE_ADAPTERS) {
    const nonce = adapter.challenge.nonceOf(message);
    if (nonce) return nonce;
  }
  return undefined;
}

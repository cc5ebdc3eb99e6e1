import { AccountNamespaces } from './accountId.js';
import { eip155Namespace } from './eip155.js';

export type { AccountId, AccountNamespace, LookupAccountId } from './accountId.js';
export { AccountNamespaces } from './accountId.js';
export { eip155Namespace } from './eip155.js';
export { nonCanonicalEoaSignature, requireCanonicalEoaSignature, SECP256K1_N } from './eoaSignature.js';

/** Every namespace the service understands; chains within them are enabled by configuration. */
export const ACCOUNT_NAMESPACES = new AccountNamespaces([eip155Namespace]);

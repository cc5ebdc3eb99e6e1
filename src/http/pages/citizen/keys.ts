// The catalogue key of each code the citizen pages put into words (reason codes, proof
// methods, namespaces, identity sources and levels, statuses): named, not built, so each
// key is checked by the compiler and found by the catalogue's usage test.
import type { MessageKey } from '../../../i18n/catalogue.js';

export const REASON_KEYS: Record<string, MessageKey> = {
  fraud: 'citizen.reason.fraud',
  court_order: 'citizen.reason.court_order',
  sanctions: 'citizen.reason.sanctions',
  identity_compromised: 'citizen.reason.identity_compromised',
  key_compromise: 'citizen.reason.key_compromise',
  other: 'citizen.reason.other',
};

export const METHOD_KEYS: Record<string, MessageKey> = {
  eip191: 'citizen.method.eip191',
  erc1271: 'citizen.method.erc1271',
  erc6492: 'citizen.method.erc6492',
  onchain: 'citizen.method.onchain',
  'bip322-simple': 'citizen.method.bip322-simple',
  'bip322-full': 'citizen.method.bip322-full',
  bip137: 'citizen.method.bip137',
  tip191: 'citizen.method.tip191',
  siws: 'citizen.method.siws',
};

export const NETWORK_KEYS: Record<string, MessageKey> = {
  eip155: 'citizen.network.eip155',
  solana: 'citizen.network.solana',
  tron: 'citizen.network.tron',
  bip122: 'citizen.network.bip122',
};

export const SOURCE_KEYS: Record<string, MessageKey> = {
  oidc: 'citizen.identity.source.oidc',
  x509: 'citizen.identity.source.x509',
  dev: 'citizen.identity.source.dev',
};

export const LEVEL_KEYS: Record<string, MessageKey> = {
  low: 'citizen.identity.level.low',
  substantial: 'citizen.identity.level.substantial',
  high: 'citizen.identity.level.high',
};

export const STATUS_KEYS: Record<string, MessageKey> = {
  active: 'citizen.bindings.status.active',
  suspended: 'citizen.bindings.status.suspended',
  revoked: 'citizen.bindings.status.revoked',
  expired: 'citizen.bindings.status.expired',
};

/** A code in words where the catalogue has them, else the code itself (a newer code). */
export function codeText(
  tr: (key: MessageKey) => string,
  keys: Record<string, MessageKey>,
  code: string,
): string {
  const key = keys[code];
  return key ? tr(key) : code;
}

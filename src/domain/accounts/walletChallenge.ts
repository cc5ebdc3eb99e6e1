// The EIP-4361 (Sign-In with Ethereum) message a citizen signs to prove control of an
// account, built and read with viem's SIWE utilities. The service keeps the exact text it
// issued; a submitted message must equal it byte for byte, and when it does not, the
// citizen is told which fields differ.
import { createSiweMessage, parseSiweMessage, type SiweMessage } from 'viem/siwe';
import type { ChallengeParameters } from './namespace.js';

export type WalletChallengeParameters = ChallengeParameters;

export function walletChallengeStatement(serviceName: string, domain: string): string {
  return (
    `Link this account to my verified identity at ${serviceName} (${domain}). ` +
    'Signing proves that I control the account; it authorises no transaction and no payment.'
  );
}

export function buildWalletChallengeMessage(p: WalletChallengeParameters): string {
  return createSiweMessage({
    domain: p.domain,
    address: p.account.address as `0x${string}`,
    statement: walletChallengeStatement(p.serviceName, p.domain),
    uri: p.uri,
    version: '1',
    chainId: Number(p.account.reference),
    nonce: p.nonce,
    issuedAt: p.issuedAt,
    expirationTime: p.expiresAt,
  });
}

/** The nonce of a submitted message, used to find the challenge it answers. */
export function nonceOf(message: string): string | undefined {
  return parseSiweMessage(message).nonce;
}

const FIELDS: readonly (keyof SiweMessage)[] = [
  'scheme',
  'domain',
  'address',
  'statement',
  'uri',
  'version',
  'chainId',
  'nonce',
  'issuedAt',
  'expirationTime',
  'notBefore',
  'requestId',
  'resources',
];

/**
 * Names the fields in which a submitted message differs from the issued one. Empty when
 * every field reads the same (then the difference is in layout: whitespace, line order,
 * line endings or letter case that the parser tolerates).
 */
export function differingFields(issued: string, submitted: string): string[] {
  const a = parseSiweMessage(issued);
  const b = parseSiweMessage(submitted);
  return FIELDS.filter((field) => JSON.stringify(a[field]) !== JSON.stringify(b[field]));
}

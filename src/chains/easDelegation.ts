// EIP-712 requests the service's attester signs and any relayer submits: EAS's delegated
// attestation and revocation (EAS 1.3.0, domain "EAS" at the EAS contract), and the
// registry's own status change (domain "WalletAttestationRegistry" version 1). Each
// carries the signer's current nonce, so a signature is usable once.
import {
  type Address,
  encodeAbiParameters,
  encodePacked,
  type Hex,
  keccak256,
  parseAbiParameters,
} from 'viem';
import { ATTESTATION_SCHEMA } from '../domain/attestations/easAttestation.js';

export interface Eip712Domain {
  name: string;
  version: string;
  chainId: number;
  verifyingContract: Address;
}

export const EAS_DELEGATED_ATTEST_TYPES = {
  Attest: [
    { name: 'attester', type: 'address' },
    { name: 'schema', type: 'bytes32' },
    { name: 'recipient', type: 'address' },
    { name: 'expirationTime', type: 'uint64' },
    { name: 'revocable', type: 'bool' },
    { name: 'refUID', type: 'bytes32' },
    { name: 'data', type: 'bytes' },
    { name: 'value', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint64' },
  ],
} as const;

export const EAS_DELEGATED_REVOKE_TYPES = {
  Revoke: [
    { name: 'revoker', type: 'address' },
    { name: 'schema', type: 'bytes32' },
    { name: 'uid', type: 'bytes32' },
    { name: 'value', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint64' },
  ],
} as const;

export const REGISTRY_STATUS_CHANGE_TYPES = {
  StatusChange: [
    { name: 'uid', type: 'bytes32' },
    { name: 'status', type: 'uint8' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint64' },
  ],
} as const;

/** The registry's Status enum. */
export const REGISTRY_STATUS = { none: 0, active: 1, suspended: 2, revoked: 3 } as const;
export type RegistryStatus = keyof typeof REGISTRY_STATUS;

export function registryStatusName(value: number): RegistryStatus {
  const name = (Object.keys(REGISTRY_STATUS) as RegistryStatus[]).find(
    (key) => REGISTRY_STATUS[key] === value,
  );
  if (!name) throw new Error(`Unknown registry status ${value}`);
  return name;
}

export function registryDomain(chainId: number, registry: Address): Eip712Domain {
  return { name: 'WalletAttestationRegistry', version: '1', chainId, verifyingContract: registry };
}

export interface AttestationData {
  account: string;
  country: string;
  level: string;
  method: string;
  jti: string;
  statusIndex: number;
  statusUri: string;
}

/** The attestation's fields ABI-encoded per ATTESTATION_SCHEMA (EAS `data`). */
export function encodeAttestationData(d: AttestationData): Hex {
  return encodeAbiParameters(parseAbiParameters(ATTESTATION_SCHEMA), [
    d.account,
    d.country,
    d.level,
    d.method,
    d.jti,
    BigInt(d.statusIndex),
    d.statusUri,
  ]);
}

/** EAS schema UID of ATTESTATION_SCHEMA with `resolver`: keccak256(abi.encodePacked(schema, resolver, true)). */
export function attestationSchemaUid(resolver: Address): Hex {
  return keccak256(encodePacked(['string', 'address', 'bool'], [ATTESTATION_SCHEMA, resolver, true]));
}

/** What the registry indexes an attestation's data by (its `uidOfData` key). */
export const attestationDataHash = (data: Hex): Hex => keccak256(data);

export function delegatedAttestTypedData(
  domain: Eip712Domain,
  m: {
    attester: Address;
    schema: Hex;
    recipient: Address;
    expirationTime: bigint;
    data: Hex;
    nonce: bigint;
    deadline: bigint;
  },
) {
  return {
    domain,
    types: EAS_DELEGATED_ATTEST_TYPES,
    primaryType: 'Attest' as const,
    message: { ...m, revocable: true, refUID: `0x${'00'.repeat(32)}` as Hex, value: 0n },
  };
}

export function delegatedRevokeTypedData(
  domain: Eip712Domain,
  m: { revoker: Address; schema: Hex; uid: Hex; nonce: bigint; deadline: bigint },
) {
  return {
    domain,
    types: EAS_DELEGATED_REVOKE_TYPES,
    primaryType: 'Revoke' as const,
    message: { ...m, value: 0n },
  };
}

export function statusChangeTypedData(
  domain: Eip712Domain,
  m: { uid: Hex; status: RegistryStatus; nonce: bigint; deadline: bigint },
) {
  return {
    domain,
    types: REGISTRY_STATUS_CHANGE_TYPES,
    primaryType: 'StatusChange' as const,
    message: { uid: m.uid, status: REGISTRY_STATUS[m.status], nonce: m.nonce, deadline: m.deadline },
  };
}

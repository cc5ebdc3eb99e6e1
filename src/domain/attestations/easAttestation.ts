// The EIP-712 form of an attestation, in the shape of an EAS off-chain attestation
// (version 2: `Attest` with a salt), so EAS tooling can read and check it, and a contract
// that knows the attester address can verify it on-chain with ecrecover over the same
// typed-data hash. The attestation's fields travel in `data`, ABI-encoded per
// ATTESTATION_SCHEMA; `recipient` is the account's address.
import {
  type Address,
  encodeAbiParameters,
  encodePacked,
  type Hex,
  keccak256,
  parseAbiParameters,
  stringToHex,
  zeroAddress,
  zeroHash,
} from 'viem';

export const EAS_DOMAIN_NAME = 'EAS Attestation';
export const EAS_OFFCHAIN_VERSION = 2;

/** EAS schema string of `data`. */
export const ATTESTATION_SCHEMA =
  'string account,string country,string level,string method,string jti,uint64 statusIndex,string statusUri';

/** EAS schema UID: keccak256(abi.encodePacked(schema, resolver, revocable)) with no resolver. */
export const ATTESTATION_SCHEMA_UID: Hex = keccak256(
  encodePacked(['string', 'address', 'bool'], [ATTESTATION_SCHEMA, zeroAddress, true]),
);

export const EAS_ATTEST_TYPES = {
  Attest: [
    { name: 'version', type: 'uint16' },
    { name: 'schema', type: 'bytes32' },
    { name: 'recipient', type: 'address' },
    { name: 'time', type: 'uint64' },
    { name: 'expirationTime', type: 'uint64' },
    { name: 'revocable', type: 'bool' },
    { name: 'refUID', type: 'bytes32' },
    { name: 'data', type: 'bytes' },
    { name: 'salt', type: 'bytes32' },
  ],
} as const;

export interface AttestationFields {
  /** CAIP-10 */
  account: string;
  address: Address;
  chainId: number;
  country: string;
  level: string;
  method: string;
  jti: string;
  statusIndex: number;
  statusUri: string;
  /** Unix seconds */
  issuedAt: number;
  expiresAt: number;
  salt: Hex;
}

export interface EasDomain {
  name: typeof EAS_DOMAIN_NAME;
  version: string;
  chainId: number;
  verifyingContract: Address;
}

export interface EasAttestMessage {
  version: number;
  schema: Hex;
  recipient: Address;
  time: number;
  expirationTime: number;
  revocable: boolean;
  refUID: Hex;
  data: Hex;
  salt: Hex;
}

export function easDomain(p: { version: string; chainId: number; verifyingContract?: Address }): EasDomain {
  return {
    name: EAS_DOMAIN_NAME,
    version: p.version,
    chainId: p.chainId,
    verifyingContract: p.verifyingContract ?? zeroAddress,
  };
}

export function easAttestMessage(fields: AttestationFields): EasAttestMessage {
  return {
    version: EAS_OFFCHAIN_VERSION,
    schema: ATTESTATION_SCHEMA_UID,
    recipient: fields.address,
    time: fields.issuedAt,
    expirationTime: fields.expiresAt,
    revocable: true,
    refUID: zeroHash,
    data: encodeAbiParameters(parseAbiParameters(ATTESTATION_SCHEMA), [
      fields.account,
      fields.country,
      fields.level,
      fields.method,
      fields.jti,
      BigInt(fields.statusIndex),
      fields.statusUri,
    ]),
    salt: fields.salt,
  };
}

/** The EAS off-chain UID (version 2), as eas-sdk computes it. */
export function easOffchainUid(message: EasAttestMessage): Hex {
  return keccak256(
    encodePacked(
      [
        'uint16',
        'bytes',
        'address',
        'address',
        'uint64',
        'uint64',
        'bool',
        'bytes32',
        'bytes',
        'bytes32',
        'uint32',
      ],
      [
        message.version,
        // eas-sdk hashes the UTF-8 bytes of the schema UID's hex text, not the 32 bytes.
        stringToHex(message.schema),
        message.recipient,
        zeroAddress,
        BigInt(message.time),
        BigInt(message.expirationTime),
        message.revocable,
        message.refUID,
        message.data,
        message.salt,
        0,
      ],
    ),
  );
}

/** The typed data to sign (viem's `signTypedData` / `verifyTypedData` shape). */
export function easTypedData(domain: EasDomain, message: EasAttestMessage) {
  return {
    domain,
    types: EAS_ATTEST_TYPES,
    primaryType: 'Attest' as const,
    message: { ...message, time: BigInt(message.time), expirationTime: BigInt(message.expirationTime) },
  };
}

/** The shareable signed attestation: eas-sdk's `{ sig, signer }` package, JSON-safe. */
export interface SignedEasAttestation {
  sig: {
    version: number;
    uid: Hex;
    domain: EasDomain;
    primaryType: 'Attest';
    types: typeof EAS_ATTEST_TYPES;
    message: EasAttestMessage;
    signature: { r: Hex; s: Hex; v: number };
  };
  signer: Address;
}

// The part of EAS (the Ethereum Attestation Service's EAS contract, version 1.3.0, from
// @ethereum-attestation-service/eas-contracts) the chain publisher calls, with the errors it
// can answer so viem decodes them. A test checks it against the package's compiled ABI.
import { parseAbi } from 'viem';

export const easAbi = parseAbi([
  'struct AttestationRequestData { address recipient; uint64 expirationTime; bool revocable; bytes32 refUID; bytes data; uint256 value; }',
  'struct Signature { uint8 v; bytes32 r; bytes32 s; }',
  'struct DelegatedAttestationRequest { bytes32 schema; AttestationRequestData data; Signature signature; address attester; uint64 deadline; }',
  'struct RevocationRequestData { bytes32 uid; uint256 value; }',
  'struct DelegatedRevocationRequest { bytes32 schema; RevocationRequestData data; Signature signature; address revoker; uint64 deadline; }',
  'struct Attestation { bytes32 uid; bytes32 schema; uint64 time; uint64 expirationTime; uint64 revocationTime; bytes32 refUID; address recipient; address attester; bool revocable; bytes data; }',
  'function attestByDelegation(DelegatedAttestationRequest delegatedRequest) payable returns (bytes32)',
  'function revokeByDelegation(DelegatedRevocationRequest delegatedRequest) payable',
  'function getAttestation(bytes32 uid) view returns (Attestation)',
  'function isAttestationValid(bytes32 uid) view returns (bool)',
  'function getNonce(address account) view returns (uint256)',
  'function getSchemaRegistry() view returns (address)',
  'function getName() view returns (string)',
  'function version() view returns (string)',
  'event Attested(address indexed recipient, address indexed attester, bytes32 uid, bytes32 indexed schemaUID)',
  'event Revoked(address indexed recipient, address indexed attester, bytes32 uid, bytes32 indexed schemaUID)',
  'error AccessDenied()',
  'error AlreadyRevoked()',
  'error DeadlineExpired()',
  'error InvalidAttestation()',
  'error InvalidExpirationTime()',
  'error InvalidRevocation()',
  'error InvalidSchema()',
  'error InvalidSignature()',
  'error Irrevocable()',
  'error NotFound()',
  'error WrongSchema()',
]);

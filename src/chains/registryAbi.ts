// The part of the registry contract (contracts/ControlProofRegistry.sol) the service reads.
// A test checks it against the compiled ABI in contracts/build.
import { parseAbi } from 'viem';

export const controlProofRegistryAbi = parseAbi([
  'function proveControl(bytes32 challengeHash)',
  'event ControlProven(address indexed account, bytes32 challengeHash)',
]);

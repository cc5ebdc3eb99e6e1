// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ControlProofRegistry
/// @notice On-chain proof that an account controls itself, for linking it to a verified
/// identity at wallet-attest.
/// @dev The account calls `proveControl` with the keccak256 hash of the challenge message
/// the service issued, and the event records `msg.sender` as the account. The proof is
/// "this account sent this call", so it works alike for externally owned accounts,
/// multisigs and any other contract account: whatever rules the account has for sending a
/// transaction are the rules that authorise the proof, with no signature scheme to agree
/// on and nothing for the account to implement (unlike ERC-1271). The contract keeps no
/// state; the service reads the event from the transaction receipt.
contract ControlProofRegistry {
    /// @param account The caller: the account whose control is proven.
    /// @param challengeHash keccak256 of the challenge message (EIP-4361 text) being answered.
    event ControlProven(address indexed account, bytes32 challengeHash);

    /// @notice Proves that the caller controls its own account, answering `challengeHash`.
    function proveControl(bytes32 challengeHash) external {
        emit ControlProven(msg.sender, challengeHash);
    }
}

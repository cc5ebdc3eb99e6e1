// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import { IWalletAttestationRegistry } from "../IWalletAttestationRegistry.sol";

/// @title VerifiedOnlyVault
/// @notice Example integration: an ether vault that takes deposits only from accounts that
/// wallet-attest's registry calls verified, and lets a depositor withdraw whatever its
/// status becomes (a suspension must not lock funds in).
contract VerifiedOnlyVault {
    /// @notice The registry asked on every deposit.
    IWalletAttestationRegistry public immutable registry;

    /// @notice Deposited wei by account.
    mapping(address account => uint256 amount) public balanceOf;

    /// @notice The caller holds no valid attestation (none, suspended, revoked or expired).
    error NotVerified(address account);
    /// @notice A withdrawal larger than the balance.
    error InsufficientBalance(uint256 balance, uint256 requested);
    /// @notice The ether transfer of a withdrawal failed.
    error TransferFailed();

    event Deposited(address indexed account, uint256 amount);
    event Withdrawn(address indexed account, uint256 amount);

    constructor(IWalletAttestationRegistry registry_) {
        registry = registry_;
    }

    /// @notice Deposits `msg.value` for the caller, who must be verified now.
    function deposit() external payable {
        if (!registry.isVerified(msg.sender)) revert NotVerified(msg.sender);
        balanceOf[msg.sender] += msg.value;
        emit Deposited(msg.sender, msg.value);
    }

    /// @notice Withdraws `amount` wei to the caller.
    function withdraw(uint256 amount) external {
        uint256 balance = balanceOf[msg.sender];
        if (amount > balance) revert InsufficientBalance(balance, amount);
        balanceOf[msg.sender] = balance - amount;
        (bool sent, ) = msg.sender.call{ value: amount }("");
        if (!sent) revert TransferFailed();
        emit Withdrawn(msg.sender, amount);
    }
}

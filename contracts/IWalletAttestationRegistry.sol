// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IWalletAttestationRegistry
/// @notice What a contract needs to ask wallet-attest's registry whether an account is linked
/// to a verified identity. Import this interface rather than the registry itself.
interface IWalletAttestationRegistry {
    /// @notice The state of an account's current attestation.
    enum Status {
        None,
        Active,
        Suspended,
        Revoked
    }

    /// @notice An account's current attestation as the registry holds it.
    /// @param uid The EAS attestation UID.
    /// @param attestedAt When the attestation was made on-chain (Unix seconds).
    /// @param expirationTime When it expires (Unix seconds).
    /// @param status Its state; `isVerified` also requires it not to have expired.
    struct Record {
        bytes32 uid;
        uint64 attestedAt;
        uint64 expirationTime;
        Status status;
    }

    /// @notice True when `account` holds an attestation that is active, not suspended, not
    /// revoked and not expired.
    function isVerified(address account) external view returns (bool);

    /// @notice The account's current attestation (all zero when it never had one).
    function attestationOf(address account) external view returns (Record memory);
}

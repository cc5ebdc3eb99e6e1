// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title OwnedSmartWallet (test fixture, not for production use)
/// @notice A minimal ERC-1271 smart wallet owned by one EOA. It accepts a signature when the
/// owner signed the given hash, and lets the owner send calls from it, so the wallet itself
/// can be the `msg.sender` of a call (e.g. ControlProofRegistry.proveControl).
/// @dev `isValidSignature` recovers the signer from `hash` directly. viem's verifyMessage
/// passes hashMessage(message) (EIP-191) as `hash`, which is what the owner's personal_sign
/// signs, so an owner's message signature is also the wallet's.
contract OwnedSmartWallet {
    /// @dev bytes4(keccak256("isValidSignature(bytes32,bytes)")), the ERC-1271 "valid" answer.
    bytes4 internal constant MAGIC_VALUE = 0x1626ba7e;
    bytes4 internal constant INVALID = 0xffffffff;
    /// @dev secp256k1n / 2: the largest canonical (low) s value (EIP-2).
    uint256 internal constant HALF_ORDER = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    error NotOwner();

    address public immutable owner;

    constructor(address owner_) {
        owner = owner_;
    }

    /// @notice ERC-1271. Never reverts: a malformed signature (length other than 65 bytes
    /// r || s || v, v other than 27 or 28, high s) is simply not valid.
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        if (signature.length != 65) return INVALID;
        bytes32 r = bytes32(signature[0:32]);
        bytes32 s = bytes32(signature[32:64]);
        uint8 v = uint8(signature[64]);
        if (v != 27 && v != 28) return INVALID;
        if (uint256(s) > HALF_ORDER) return INVALID;
        address signer = ecrecover(hash, v, r, s);
        return signer != address(0) && signer == owner ? MAGIC_VALUE : INVALID;
    }

    /// @notice Sends a call from the wallet. Only the owner may; a failed call reverts with
    /// the callee's revert data.
    function execute(address target, uint256 value, bytes calldata data) external returns (bytes memory) {
        if (msg.sender != owner) revert NotOwner();
        (bool ok, bytes memory result) = target.call{value: value}(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 32), mload(result))
            }
        }
        return result;
    }

    receive() external payable {}
}

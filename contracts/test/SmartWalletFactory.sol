// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OwnedSmartWallet} from "./OwnedSmartWallet.sol";

/// @title SmartWalletFactory (test fixture, not for production use)
/// @notice Deploys OwnedSmartWallets with CREATE2 at addresses known in advance, so a wallet
/// can sign before it exists (ERC-6492: the signature carries this factory's address and
/// the `deploy` calldata).
contract SmartWalletFactory {
    /// @notice Deploys the wallet of `owner` for `salt`, or returns it if it already exists
    /// (so replaying ERC-6492 factory calldata after deployment does not revert).
    function deploy(address owner, bytes32 salt) external returns (address wallet) {
        wallet = predict(owner, salt);
        if (wallet.code.length == 0) {
            new OwnedSmartWallet{salt: salt}(owner);
        }
    }

    /// @notice The address `deploy(owner, salt)` deploys to.
    function predict(address owner, bytes32 salt) public view returns (address) {
        bytes32 initCodeHash = keccak256(abi.encodePacked(type(OwnedSmartWallet).creationCode, abi.encode(owner)));
        return address(uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), address(this), salt, initCodeHash)))));
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import { IEAS, Attestation } from "@ethereum-attestation-service/eas-contracts/contracts/IEAS.sol";
import { ISchemaResolver } from "@ethereum-attestation-service/eas-contracts/contracts/resolver/ISchemaResolver.sol";
import { SchemaResolver } from "@ethereum-attestation-service/eas-contracts/contracts/resolver/SchemaResolver.sol";
import { AccessControl } from "@openzeppelin/contracts/access/AccessControl.sol";
import { EIP712 } from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import { SignatureChecker } from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import { Nonces } from "@openzeppelin/contracts/utils/Nonces.sol";
import { IWalletAttestationRegistry } from "./IWalletAttestationRegistry.sol";

/// @title WalletAttestationRegistry
/// @notice wallet-attest's on-chain attestations: an EAS schema resolver that keeps, for each
/// account, the state of its current attestation, which the attester and regulators can
/// suspend, reinstate and revoke, and answers `isVerified`.
/// @dev Attestations are real EAS attestations of the schema this contract registers at
/// deployment (with itself as resolver), made through EAS's delegated attestation: the
/// service signs, anyone relays. EAS checks the signature, deadline and expiry; this
/// resolver accepts only attesters holding ATTESTER_ROLE and each attestation's data once.
/// EAS lets only the attester revoke and has no suspension, so the status lives here:
/// the attester (directly, or by an EIP-712 signature any relayer submits) and
/// REGULATOR_ROLE holders change it. A revocation through EAS by the attester revokes
/// here too; one made here leaves the EAS record as it is, so consumers ask `isVerified`.
/// The contract also emits ControlProven, so it can serve as the chain's proof-of-control
/// registry for wallet linking.
contract WalletAttestationRegistry is IWalletAttestationRegistry, SchemaResolver, AccessControl, EIP712, Nonces {
    /// @notice Addresses whose EAS attestations are accepted, and who may change any status.
    bytes32 public constant ATTESTER_ROLE = keccak256("ATTESTER_ROLE");
    /// @notice Addresses (supervisory authorities) who may suspend, reinstate and revoke.
    bytes32 public constant REGULATOR_ROLE = keccak256("REGULATOR_ROLE");

    /// @notice EAS schema of the attestation data (the same fields as the service's
    /// off-chain EIP-712 attestation).
    string public constant SCHEMA =
        "string account,string country,string level,string method,string jti,uint64 statusIndex,string statusUri";

    /// @dev EIP-712 type of a status change signed by an attester.
    bytes32 private constant STATUS_CHANGE_TYPEHASH =
        keccak256("StatusChange(bytes32 uid,uint8 status,uint256 nonce,uint64 deadline)");

    /// @notice UID of SCHEMA in EAS's schema registry, with this contract as its resolver.
    bytes32 public immutable schemaUid;

    mapping(address account => Record) private _records;
    mapping(bytes32 uid => address account) private _accountOf;
    mapping(bytes32 dataHash => bytes32 uid) private _uidOfData;

    /// @param account The attestation's recipient.
    /// @param uid The EAS attestation UID.
    /// @param attester Who signed it.
    /// @param expirationTime When it expires (Unix seconds).
    event Attested(address indexed account, bytes32 indexed uid, address attester, uint64 expirationTime);
    /// @param account Whose attestation changed.
    /// @param uid The attestation.
    /// @param status Its new state.
    /// @param by The attester or regulator who changed it.
    event StatusChanged(address indexed account, bytes32 indexed uid, Status status, address indexed by);
    /// @param account The caller: the account whose control is proven.
    /// @param challengeHash keccak256 of the challenge message (EIP-4361 text) being answered.
    event ControlProven(address indexed account, bytes32 challengeHash);

    /// @notice An attestation of another schema names this resolver.
    error WrongSchema(bytes32 schema);
    /// @notice The attestation's signer does not hold ATTESTER_ROLE.
    error UnknownAttester(address attester);
    /// @notice An attestation must expire, and may not reference another.
    error UnsupportedAttestation();
    /// @notice The same attestation data was attested before, as `uid`.
    error AlreadyAttested(bytes32 uid);
    /// @notice The caller (or signer) holds neither ATTESTER_ROLE nor REGULATOR_ROLE.
    error NotAuthorized(address caller);
    /// @notice The account has no attestation, or `uid` is not its current one.
    error NoSuchAttestation(address account, bytes32 uid);
    /// @notice The change does not apply from the current state (revocation is final).
    error InvalidTransition(Status from, Status to);
    /// @notice A signed status change past its deadline.
    error SignatureExpired(uint64 deadline);
    /// @notice A signed status change whose signature does not check.
    error InvalidStatusSignature();

    /// @param eas The EAS contract of this chain.
    /// @param admin Holder of DEFAULT_ADMIN_ROLE, who grants and revokes the roles.
    /// @param attester The service's attester address (ATTESTER_ROLE).
    constructor(IEAS eas, address admin, address attester) SchemaResolver(eas) EIP712("WalletAttestationRegistry", "1") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(ATTESTER_ROLE, attester);
        schemaUid = eas.getSchemaRegistry().register(SCHEMA, ISchemaResolver(address(this)), true);
    }

    /// @inheritdoc IWalletAttestationRegistry
    function isVerified(address account) external view returns (bool) {
        Record storage record = _records[account];
        return record.status == Status.Active && record.expirationTime > block.timestamp;
    }

    /// @inheritdoc IWalletAttestationRegistry
    function attestationOf(address account) external view returns (Record memory) {
        return _records[account];
    }

    /// @notice The UID under which `data` (an attestation's ABI-encoded fields) was attested,
    /// or zero: how a publisher finds out that an attestation it sent was mined.
    function uidOfData(bytes32 dataHash) external view returns (bytes32) {
        return _uidOfData[dataHash];
    }

    /// @notice Suspends the account's current attestation (attester or regulator).
    function suspend(address account) external {
        _changeByCaller(account, Status.Suspended);
    }

    /// @notice Reinstates the account's suspended attestation (attester or regulator).
    function reinstate(address account) external {
        _changeByCaller(account, Status.Active);
    }

    /// @notice Revokes the account's current attestation for good (attester or regulator).
    function revoke(address account) external {
        _changeByCaller(account, Status.Revoked);
    }

    /// @notice Applies a status change an attester signed (EIP-712 `StatusChange` in this
    /// contract's domain); anyone may submit it. The nonce makes each signature usable once.
    /// @param uid The attestation, which must be its account's current one.
    /// @param status Active (reinstate), Suspended or Revoked.
    function changeStatusBySignature(bytes32 uid, Status status, uint64 deadline, bytes calldata signature, address signer)
        external
    {
        if (deadline < block.timestamp) revert SignatureExpired(deadline);
        if (!hasRole(ATTESTER_ROLE, signer)) revert NotAuthorized(signer);
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(STATUS_CHANGE_TYPEHASH, uid, uint8(status), _useNonce(signer), deadline))
        );
        if (!SignatureChecker.isValidSignatureNow(signer, digest, signature)) revert InvalidStatusSignature();
        address account = _accountOf[uid];
        if (account == address(0) || _records[account].uid != uid) revert NoSuchAttestation(account, uid);
        _change(account, status, signer);
    }

    /// @notice Proves that the caller controls its own account, answering `challengeHash`.
    function proveControl(bytes32 challengeHash) external {
        emit ControlProven(msg.sender, challengeHash);
    }

    /// @notice The EIP-712 domain separator of signed status changes.
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    function onAttest(Attestation calldata attestation, uint256) internal override returns (bool) {
        if (attestation.schema != schemaUid) revert WrongSchema(attestation.schema);
        if (!hasRole(ATTESTER_ROLE, attestation.attester)) revert UnknownAttester(attestation.attester);
        if (attestation.expirationTime == 0 || attestation.refUID != bytes32(0)) revert UnsupportedAttestation();
        bytes32 dataHash = keccak256(attestation.data);
        bytes32 earlier = _uidOfData[dataHash];
        if (earlier != bytes32(0)) revert AlreadyAttested(earlier);
        _uidOfData[dataHash] = attestation.uid;
        _accountOf[attestation.uid] = attestation.recipient;
        _records[attestation.recipient] = Record({
            uid: attestation.uid,
            attestedAt: attestation.time,
            expirationTime: attestation.expirationTime,
            status: Status.Active
        });
        emit Attested(attestation.recipient, attestation.uid, attestation.attester, attestation.expirationTime);
        return true;
    }

    /// @dev EAS revocations (only ever by the attester) revoke here too; one of an attestation
    /// already superseded by a newer one for the account changes nothing here.
    function onRevoke(Attestation calldata attestation, uint256) internal override returns (bool) {
        Record storage record = _records[attestation.recipient];
        if (record.uid == attestation.uid && record.status != Status.Revoked) {
            record.status = Status.Revoked;
            emit StatusChanged(attestation.recipient, attestation.uid, Status.Revoked, attestation.attester);
        }
        return true;
    }

    function _changeByCaller(address account, Status status) private {
        if (!hasRole(ATTESTER_ROLE, msg.sender) && !hasRole(REGULATOR_ROLE, msg.sender)) {
            revert NotAuthorized(msg.sender);
        }
        if (_records[account].status == Status.None) revert NoSuchAttestation(account, bytes32(0));
        _change(account, status, msg.sender);
    }

    function _change(address account, Status status, address by) private {
        Record storage record = _records[account];
        Status from = record.status;
        bool allowed = (status == Status.Suspended && from == Status.Active) ||
            (status == Status.Active && from == Status.Suspended) ||
            (status == Status.Revoked && (from == Status.Active || from == Status.Suspended));
        if (!allowed) revert InvalidTransition(from, status);
        record.status = status;
        emit StatusChanged(account, record.uid, status, by);
    }

    /// @dev Both AccessControl and the EAS resolver interface are discoverable.
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == type(IWalletAttestationRegistry).interfaceId || super.supportsInterface(interfaceId);
    }
}

// Adapter between the chain publisher and one chain's EAS and WalletAttestationRegistry:
// reads the on-chain state of an attestation, and sends the attester's signed requests
// (EAS delegated attestation and revocation, the registry's signed status change) from a
// relayer account. The attester key only signs EIP-712 data; the relayer pays the gas.
import {
  type Account,
  type Address,
  BaseError,
  type Chain,
  ContractFunctionRevertedError,
  type Hex,
  HttpRequestError,
  type PublicClient,
  parseEventLogs,
  parseSignature,
  RpcRequestError,
  TimeoutError,
  type Transport,
  type TypedDataDefinition,
  type WalletClient,
  WebSocketRequestError,
} from 'viem';
import { walletAttestationRegistryAbi } from './contracts.generated.js';
import { easAbi } from './easAbi.js';
import {
  delegatedAttestTypedData,
  delegatedRevokeTypedData,
  type Eip712Domain,
  type RegistryStatus,
  registryDomain,
  registryStatusName,
  statusChangeTypedData,
} from './easDelegation.js';

/** EAS's ABI with the registry's errors: EAS passes on the reverts of its resolver. */
const easAndResolverAbi = [
  ...easAbi,
  ...walletAttestationRegistryAbi.filter((item) => item.type === 'error'),
];

export interface OnchainRecord {
  uid: Hex;
  attestedAt: number;
  expirationTime: number;
  status: RegistryStatus;
}

export interface AttestationRegistryClient {
  chainId: number;
  eas: Address;
  registry: Address;
  publicClient: PublicClient;
  /** Sends the transactions; its account pays for them. */
  walletClient: WalletClient<Transport, Chain | undefined, Account>;
  /** Signs EIP-712 data with the attester key (the service's key store). */
  signTypedData(typedData: TypedDataDefinition): Promise<Hex>;
  attester: Address;
  /** The registry's schema UID, when known (read from the registry otherwise). */
  schemaUid?: Hex;
  /** How long a signed request stays valid, in seconds. */
  deadlineSeconds?: number;
  /** Unix seconds now (the service's clock). */
  now(): number;
}

/**
 * The chain answered that the request itself is refused (a revert, with its decoded error
 * name when known): sending it again would fail again.
 */
export class OnchainRefusedError extends Error {
  constructor(
    message: string,
    readonly errorName: string | undefined,
  ) {
    super(message);
    this.name = 'OnchainRefusedError';
  }
}

/** The decoded revert of a refused call or transaction, or undefined for any other failure. */
export function revertOf(error: unknown): OnchainRefusedError | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError) {
    const name = reverted.data?.errorName;
    return new OnchainRefusedError(`The chain refused the request: ${name ?? reverted.shortMessage}`, name);
  }
  return undefined;
}

/** Network trouble or a node error, as opposed to a revert: worth retrying later. */
export function isTransient(error: unknown): boolean {
  if (revertOf(error)) return false;
  if (!(error instanceof BaseError)) return true;
  return Boolean(
    error.walk(
      (e) =>
        e instanceof HttpRequestError ||
        e instanceof WebSocketRequestError ||
        e instanceof TimeoutError ||
        e instanceof RpcRequestError,
    ),
  );
}

/** Reads the EIP-712 domain a contract declares (ERC-5267), so signatures follow the deployment. */
async function domainOf(
  client: AttestationRegistryClient,
  contract: 'eas' | 'registry',
): Promise<Eip712Domain> {
  if (contract === 'registry') return registryDomain(client.chainId, client.registry);
  const [name, version] = await Promise.all([
    client.publicClient.readContract({ address: client.eas, abi: easAbi, functionName: 'getName' }),
    client.publicClient.readContract({ address: client.eas, abi: easAbi, functionName: 'version' }),
  ]);
  return { name, version, chainId: client.chainId, verifyingContract: client.eas };
}

export async function schemaUidOf(client: AttestationRegistryClient): Promise<Hex> {
  if (client.schemaUid) return client.schemaUid;
  return client.publicClient.readContract({
    address: client.registry,
    abi: walletAttestationRegistryAbi,
    functionName: 'schemaUid',
  });
}

/** The UID under which this attestation data was attested, if it was. */
export async function uidOfData(client: AttestationRegistryClient, dataHash: Hex): Promise<Hex | undefined> {
  const uid = await client.publicClient.readContract({
    address: client.registry,
    abi: walletAttestationRegistryAbi,
    functionName: 'uidOfData',
    args: [dataHash],
  });
  return /^0x0+$/.test(uid) ? undefined : uid;
}

export async function recordOf(client: AttestationRegistryClient, account: Address): Promise<OnchainRecord> {
  const record = await client.publicClient.readContract({
    address: client.registry,
    abi: walletAttestationRegistryAbi,
    functionName: 'attestationOf',
    args: [account],
  });
  return {
    uid: record.uid,
    attestedAt: Number(record.attestedAt),
    expirationTime: Number(record.expirationTime),
    status: registryStatusName(record.status),
  };
}

async function send(
  client: AttestationRegistryClient,
  request: Parameters<PublicClient['simulateContract']>[0],
): Promise<{ hash: Hex; logs: Parameters<typeof parseEventLogs>[0]['logs']; gasUsed: bigint }> {
  try {
    // Simulated first: a refusal comes back as a decoded revert, with nothing sent.
    const { request: prepared } = await client.publicClient.simulateContract({
      ...request,
      account: client.walletClient.account,
    });
    const hash = await client.walletClient.writeContract(prepared as never);
    const receipt = await client.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 1000 });
    if (receipt.status !== 'success') {
      // It passed the simulation, so the state changed in between (a concurrent sender):
      // worth another try, which reads the chain afresh.
      throw new Error(`Transaction ${hash} reverted`);
    }
    return { hash, logs: receipt.logs, gasUsed: receipt.gasUsed };
  } catch (error) {
    throw revertOf(error) ?? error;
  }
}

const deadline = (client: AttestationRegistryClient) =>
  BigInt(client.now() + (client.deadlineSeconds ?? 3600));

/** Whether EAS holds `uid` as revoked (by its attester). */
export async function revokedOnEas(client: AttestationRegistryClient, uid: Hex): Promise<boolean> {
  const attestation = await client.publicClient.readContract({
    address: client.eas,
    abi: easAbi,
    functionName: 'getAttestation',
    args: [uid],
  });
  return attestation.revocationTime > 0n;
}

/** Makes the EAS attestation by delegation; resolves to its UID and transaction. */
export async function attestOnchain(
  client: AttestationRegistryClient,
  a: { recipient: Address; expirationTime: number; data: Hex },
): Promise<{ uid: Hex; txHash: Hex; gasUsed: bigint }> {
  const [domain, schema, nonce] = await Promise.all([
    domainOf(client, 'eas'),
    schemaUidOf(client),
    client.publicClient.readContract({
      address: client.eas,
      abi: easAbi,
      functionName: 'getNonce',
      args: [client.attester],
    }),
  ]);
  const requestDeadline = deadline(client);
  const typed = delegatedAttestTypedData(domain, {
    attester: client.attester,
    schema,
    recipient: a.recipient,
    expirationTime: BigInt(a.expirationTime),
    data: a.data,
    nonce,
    deadline: requestDeadline,
  });
  const signature = parseSignature(await client.signTypedData(typed as TypedDataDefinition));
  const sent = await send(client, {
    address: client.eas,
    abi: easAndResolverAbi,
    functionName: 'attestByDelegation',
    args: [
      {
        schema,
        data: {
          recipient: a.recipient,
          expirationTime: BigInt(a.expirationTime),
          revocable: true,
          refUID: typed.message.refUID,
          data: a.data,
          value: 0n,
        },
        signature: {
          v: Number(signature.v ?? BigInt(signature.yParity + 27)),
          r: signature.r,
          s: signature.s,
        },
        attester: client.attester,
        deadline: requestDeadline,
      },
    ],
  });
  const [attested] = parseEventLogs({ abi: easAbi, eventName: 'Attested', logs: sent.logs, strict: true });
  if (!attested) throw new Error(`Transaction ${sent.hash} emitted no Attested event`);
  return { uid: attested.args.uid, txHash: sent.hash, gasUsed: sent.gasUsed };
}

/** Suspends or reinstates (or revokes in the registry alone) by the attester's signature. */
export async function changeStatusOnchain(
  client: AttestationRegistryClient,
  uid: Hex,
  status: Exclude<RegistryStatus, 'none'>,
): Promise<{ txHash: Hex; gasUsed: bigint }> {
  const nonce = await client.publicClient.readContract({
    address: client.registry,
    abi: walletAttestationRegistryAbi,
    functionName: 'nonces',
    args: [client.attester],
  });
  const requestDeadline = deadline(client);
  const typed = statusChangeTypedData(await domainOf(client, 'registry'), {
    uid,
    status,
    nonce,
    deadline: requestDeadline,
  });
  const signature = await client.signTypedData(typed as TypedDataDefinition);
  const sent = await send(client, {
    address: client.registry,
    abi: walletAttestationRegistryAbi,
    functionName: 'changeStatusBySignature',
    args: [uid, typed.message.status, requestDeadline, signature, client.attester],
  });
  return { txHash: sent.hash, gasUsed: sent.gasUsed };
}

/** Revokes the EAS attestation by delegation; the registry (its resolver) revokes it too. */
export async function revokeOnchain(
  client: AttestationRegistryClient,
  uid: Hex,
): Promise<{ txHash: Hex; gasUsed: bigint }> {
  const [domain, schema, nonce] = await Promise.all([
    domainOf(client, 'eas'),
    schemaUidOf(client),
    client.publicClient.readContract({
      address: client.eas,
      abi: easAbi,
      functionName: 'getNonce',
      args: [client.attester],
    }),
  ]);
  const requestDeadline = deadline(client);
  const typed = delegatedRevokeTypedData(domain, {
    revoker: client.attester,
    schema,
    uid,
    nonce,
    deadline: requestDeadline,
  });
  const signature = parseSignature(await client.signTypedData(typed as TypedDataDefinition));
  const sent = await send(client, {
    address: client.eas,
    abi: easAndResolverAbi,
    functionName: 'revokeByDelegation',
    args: [
      {
        schema,
        data: { uid, value: 0n },
        signature: {
          v: Number(signature.v ?? BigInt(signature.yParity + 27)),
          r: signature.r,
          s: signature.s,
        },
        revoker: client.attester,
        deadline: requestDeadline,
      },
    ],
  });
  return { txHash: sent.hash, gasUsed: sent.gasUsed };
}

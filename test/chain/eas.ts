// The real EAS and SchemaRegistry (bytecode from @ethereum-attestation-service/eas-contracts)
// and a WalletAttestationRegistry deployed on an in-process test chain.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Abi, Address, Hex, LocalAccount } from 'viem';
import { getAddress } from 'viem';
import {
  walletAttestationRegistryAbi,
  walletAttestationRegistryBytecode,
} from '../../src/chains/contracts.generated.js';
import type { TestChain } from '../helpers/chain.js';

const require = createRequire(import.meta.url);

export interface EasArtifact {
  abi: Abi;
  bytecode: Hex;
}

/** An artifact of the eas-contracts package, as published (compiled by the EAS project). */
export function easArtifact(name: 'EAS' | 'SchemaRegistry'): EasArtifact {
  const path = require.resolve(
    `@ethereum-attestation-service/eas-contracts/artifacts/contracts/${name}.sol/${name}.json`,
  );
  return JSON.parse(readFileSync(path, 'utf8')) as EasArtifact;
}

async function deployRaw(
  chain: TestChain,
  abi: Abi,
  bytecode: Hex,
  args: readonly unknown[],
  from: LocalAccount,
) {
  const hash = await chain.walletClient(from).deployContract({ abi, bytecode, args });
  const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success' || !receipt.contractAddress) throw new Error('Deployment failed');
  return { address: getAddress(receipt.contractAddress), gasUsed: receipt.gasUsed };
}

export interface EasDeployment {
  schemaRegistry: Address;
  eas: Address;
  registry: Address;
  registryDeploymentGas: bigint;
}

/** Deploys SchemaRegistry, EAS and the registry (admin `admin`, attester `attester`). */
export async function deployEas(
  chain: TestChain,
  p: { admin: LocalAccount; attester: Address },
): Promise<EasDeployment> {
  const schemaRegistryArtifact = easArtifact('SchemaRegistry');
  const easArtifactJson = easArtifact('EAS');
  const schemaRegistry = await deployRaw(
    chain,
    schemaRegistryArtifact.abi,
    schemaRegistryArtifact.bytecode,
    [],
    p.admin,
  );
  const eas = await deployRaw(
    chain,
    easArtifactJson.abi,
    easArtifactJson.bytecode,
    [schemaRegistry.address],
    p.admin,
  );
  const registry = await deployRaw(
    chain,
    walletAttestationRegistryAbi,
    walletAttestationRegistryBytecode,
    [eas.address, p.admin.address, p.attester],
    p.admin,
  );
  return {
    schemaRegistry: schemaRegistry.address,
    eas: eas.address,
    registry: registry.address,
    registryDeploymentGas: registry.gasUsed,
  };
}

/** Grants ATTESTER_ROLE to `attester` (the service's key, known once the service runs). */
export async function grantAttesterRole(chain: TestChain, deployment: EasDeployment, attester: Address) {
  const admin = chain.accounts[0];
  const role = await chain.publicClient.readContract({
    address: deployment.registry,
    abi: walletAttestationRegistryAbi,
    functionName: 'ATTESTER_ROLE',
  });
  const hash = await chain.walletClient(admin).writeContract({
    address: deployment.registry,
    abi: walletAttestationRegistryAbi,
    functionName: 'grantRole',
    args: [role, attester],
  });
  await chain.publicClient.waitForTransactionReceipt({ hash });
}

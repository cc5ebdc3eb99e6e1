// Publication of attestations on chains (EAS through WalletAttestationRegistry). Each
// issuance and status change writes, in its own transaction, an outbox row per binding
// and chain (`enqueueChainPublication`); the publisher takes due rows and brings the
// binding's attestations on that chain in line with the database as it is then:
// - the binding's latest live attestation is attested, unless the registry already knows
//   its data (a publication whose transaction was mined before its row was settled);
// - a published attestation the database revoked is revoked through EAS;
// - the current one is suspended or reinstated by the attester's signed status change.
// Every step first reads the chain, so publishing a row twice, or rows out of order,
// changes nothing the second time. Unreachable chains are retried with backoff (the rows
// stay pending); a refusal that would recur is recorded and the row given up.
import type { Kysely } from 'kysely';
import { type Address, getAddress, type Hex, type TypedDataDefinition } from 'viem';
import {
  type AttestationRegistryClient,
  attestOnchain,
  changeStatusOnchain,
  OnchainRefusedError,
  recordOf,
  revokedOnEas,
  revokeOnchain,
  uidOfData,
} from '../chains/attestationRegistry.js';
import { attestationDataHash } from '../chains/easDelegation.js';
import type { EvmChain } from '../chains/evmChains.js';
import { newId } from '../crypto/tokens.js';
import { ACCOUNT_NAMESPACES } from '../domain/accounts/index.js';
import type { SignedEasAttestation } from '../domain/attestations/easAttestation.js';
import type { AttestationRow, BindingRow, ChainPublicationRow, Database } from '../store/database.js';
import { listAttestationsOfBindings } from '../store/repositories/attestations.js';
import { findBinding } from '../store/repositories/bindings.js';
import {
  chainAttestationsOf,
  dueChainPublications,
  insertChainPublications,
  leaseChainPublication,
  saveChainAttestation,
  settleChainPublication,
} from '../store/repositories/chainPublications.js';
import type { ServiceContext } from './context.js';

/** How long a publisher holds a row: longer than one publication takes (a few blocks). */
const LEASE_MS = 5 * 60_000;
/**
 * Retries: 5 s doubling up to five minutes, without end, so a long outage is caught up
 * within minutes of its end (the loop's own backoff keeps an unreachable chain from being
 * asked more than once a run meanwhile).
 */
const RETRY_BASE_MS = 5_000;
const RETRY_MAX_MS = 300_000;
/** An attestation this close to its expiry is not worth publishing. */
const MIN_REMAINING_SECONDS = 300;
/**
 * Refusals worth retrying: a concurrent publisher spent the attester's nonce, or the
 * deployment is not set up yet (the attester key lacks ATTESTER_ROLE until the admin
 * grants it). Any other refusal would recur: the row is given up.
 */
const RETRIED_REFUSALS = new Set([
  'InvalidSignature',
  'InvalidStatusSignature',
  'InvalidNonce',
  'UnknownAttester',
  'NotAuthorized',
]);

export type OnchainStatus = 'active' | 'suspended' | 'revoked';

/** The chain of a binding's account, when it publishes attestations. */
function publishingChain(ctx: ServiceContext, account: string): EvmChain | undefined {
  const chain = ctx.chains.get(ACCOUNT_NAMESPACES.parse(account).chainId);
  return chain?.attestations ? chain : undefined;
}

/**
 * Writes the outbox row telling the publisher to bring `binding` in line on its chain, if
 * that chain publishes attestations. Call inside the issuance's or status change's
 * transaction. Returns whether a row was written.
 */
export async function enqueueChainPublication(
  ctx: ServiceContext,
  trx: Kysely<Database>,
  binding: Pick<BindingRow, 'id' | 'account'>,
  event: string,
): Promise<boolean> {
  const chain = publishingChain(ctx, binding.account);
  if (!chain) return false;
  const now = ctx.clock.now().toISOString();
  await insertChainPublications(trx, [
    {
      id: newId(),
      chain_id: chain.id,
      binding_id: binding.id,
      event,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      locked_until: null,
      created_at: now,
      published_at: null,
      last_error: null,
    },
  ]);
  return true;
}

/** The on-chain status an attestation should have, from its database status. */
export function onchainStatusOf(row: Pick<AttestationRow, 'status'>): OnchainStatus {
  if (row.status === 'invalid') return 'revoked';
  return row.status === 'suspended' ? 'suspended' : 'active';
}

export function retryDelayMs(attempts: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(20, Math.max(0, attempts - 1)));
}

export interface PublishReport {
  published: number;
  failed: number;
  /** Rows left pending because their chain could not be reached. */
  retrying: number;
  /** The chains that could not be reached in this run, with the first error. */
  unreachable: Map<string, string>;
}

/** The publisher: one run takes up to `limit` due rows. */
export class ChainPublisher {
  private readonly clients = new Map<string, Promise<AttestationRegistryClient>>();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly options: { limit?: number } = {},
  ) {}

  private client(chain: EvmChain): Promise<AttestationRegistryClient> {
    let client = this.clients.get(chain.id);
    if (!client) {
      const attestations = chain.attestations!;
      client = this.ctx.keys.attesterAddress().then((attester) => ({
        chainId: chain.chainId,
        eas: attestations.eas,
        registry: attestations.registry,
        schemaUid: attestations.schemaUid,
        publicClient: attestations.publicClient,
        walletClient: attestations.walletClient,
        signTypedData: (typed: TypedDataDefinition) => this.ctx.keys.signTypedData(typed),
        attester: getAddress(attester),
        now: () => Math.floor(this.ctx.clock.now().getTime() / 1000),
      }));
      this.clients.set(chain.id, client);
    }
    return client;
  }

  async publishDue(): Promise<PublishReport> {
    const { ctx } = this;
    const report: PublishReport = { published: 0, failed: 0, retrying: 0, unreachable: new Map() };
    const rows = await dueChainPublications(ctx.db, ctx.clock.now(), this.options.limit ?? 20);
    for (const row of rows) {
      // One unreachable chain is not asked again in this run; its rows wait their turn.
      if (report.unreachable.has(row.chain_id)) continue;
      const now = ctx.clock.now();
      if (!(await leaseChainPublication(ctx.db, row.id, now, new Date(now.getTime() + LEASE_MS)))) continue;
      const attempts = row.attempts + 1;
      try {
        await this.publish(row);
        await settleChainPublication(ctx.db, row.id, {
          status: 'published',
          attempts,
          next_attempt_at: row.next_attempt_at,
          published_at: ctx.clock.now().toISOString(),
          last_error: null,
        });
        report.published++;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const giveUp = error instanceof OnchainRefusedError && !RETRIED_REFUSALS.has(error.errorName ?? '');
        if (!giveUp) {
          if (!report.unreachable.has(row.chain_id)) report.unreachable.set(row.chain_id, message);
          report.retrying++;
        } else {
          report.failed++;
        }
        await settleChainPublication(ctx.db, row.id, {
          status: giveUp ? 'failed' : 'pending',
          attempts,
          next_attempt_at: new Date(ctx.clock.now().getTime() + retryDelayMs(attempts)).toISOString(),
          published_at: null,
          last_error: message.slice(0, 1000),
        });
      }
    }
    return report;
  }

  /** Brings one binding's attestations on one chain in line with the database. */
  private async publish(row: ChainPublicationRow): Promise<void> {
    const { ctx } = this;
    const chain = ctx.chains.get(row.chain_id);
    if (!chain?.attestations) throw new OnchainRefusedError(`${row.chain_id} no longer publishes`, undefined);
    const binding = await findBinding(ctx.db, row.binding_id);
    if (!binding) throw new OnchainRefusedError('The binding no longer exists', undefined);
    const client = await this.client(chain);
    const attestations = await listAttestationsOfBindings(ctx.db, [binding.id]);
    const published = new Map(
      (
        await chainAttestationsOf(
          ctx.db,
          attestations.map((a) => a.id),
        )
      ).map((p) => [p.attestation_id, p]),
    );
    const latest = attestations.at(-1);
    const nowSeconds = client.now();

    for (const attestation of attestations) {
      const desired = onchainStatusOf(attestation);
      const eip712 = JSON.parse(attestation.eip712) as SignedEasAttestation;
      const recipient = getAddress(eip712.sig.message.recipient) as Address;
      let onchain = published.get(attestation.id);
      const save = (uid: Hex, status: OnchainStatus, txHash: Hex | null) => {
        const at = ctx.clock.now().toISOString();
        const saved = {
          attestation_id: attestation.id,
          chain_id: chain.id,
          uid,
          tx_hash: txHash ?? onchain?.tx_hash ?? null,
          status,
          published_at: onchain?.published_at ?? at,
          updated_at: at,
        };
        onchain = saved;
        return saveChainAttestation(ctx.db, saved);
      };

      if (!onchain && attestation === latest && desired !== 'revoked') {
        if (eip712.sig.message.expirationTime - nowSeconds < MIN_REMAINING_SECONDS) continue;
        const data = eip712.sig.message.data;
        const known = await uidOfData(client, attestationDataHash(data));
        if (known) {
          await save(known, 'active', null);
        } else {
          const made = await attestOnchain(client, {
            recipient,
            expirationTime: eip712.sig.message.expirationTime,
            data,
          });
          await save(made.uid, 'active', made.txHash);
        }
      }
      if (!onchain) continue;
      const uid = onchain.uid as Hex;

      if (desired === 'revoked') {
        if (onchain.status === 'revoked') continue;
        if (!(await revokedOnEas(client, uid))) await revokeOnchain(client, uid);
        await save(uid, 'revoked', null);
        continue;
      }
      if (attestation !== latest || onchain.status === desired) continue;
      const record = await recordOf(client, recipient);
      // Superseded on the chain by a newer attestation of the account (another binding),
      // or revoked there by a regulator: nothing this binding can change any more.
      if (record.uid !== uid || record.status === 'revoked' || record.status === 'none') {
        await save(
          uid,
          record.uid === uid && record.status === 'revoked' ? 'revoked' : (onchain.status as OnchainStatus),
          null,
        );
        continue;
      }
      if (record.status !== desired) await changeStatusOnchain(client, uid, desired);
      await save(uid, desired, null);
    }
  }
}

/** What the chain holds for the latest attestation of each binding: for lookups. */
export async function onchainAttestationsOf(
  ctx: ServiceContext,
  attestationIds: string[],
): Promise<Map<string, { chain: string; uid: string; status: string }>> {
  const rows = await chainAttestationsOf(ctx.db, attestationIds);
  return new Map(
    rows.map((row) => [row.attestation_id, { chain: row.chain_id, uid: row.uid, status: row.status }]),
  );
}

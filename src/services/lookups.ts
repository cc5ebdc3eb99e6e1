// What an exchange may learn about an account: its attestation status, the attestation
// itself, and `holder`, a pseudonym of the person that is stable for this exchange only.
// Never the person's identity; a national ID can only be checked (match), not read.
import { ACCOUNT_NAMESPACES } from '../domain/accounts/index.js';
import { type ProblemDetails, ProblemError } from '../domain/errors.js';
import { StoredJson } from '../domain/storedJson.js';
import type { AttestationRow, BindingRow } from '../store/database.js';
import { chainAttestationsOf } from '../store/repositories/chainPublications.js';
import { bindingsOfAccounts, identitiesByIds, newestAttestations } from '../store/repositories/lookups.js';
import type { ApiClient } from './apiClients.js';
import { attestationState } from './attestations.js';
import type { ServiceContext } from './context.js';
import type { QueryKind } from './queryLog.js';
import { statusListUri } from './statusLists.js';

export type AccountStatus = 'active' | 'suspended' | 'revoked' | 'expired' | 'none';

export interface AccountLookup {
  account: string;
  status: AccountStatus;
  country?: string;
  level?: string;
  method?: string;
  issuedAt?: string;
  expiresAt?: string;
  holder?: string;
  /** `eip712` is the signed attestation's JSON as stored, embedded in the answer as it is. */
  attestation?: { jwt: string; eip712?: StoredJson; statusList: { uri: string; idx: number } };
  /** Where the account's chain publishes attestations, and the EAS UID once mined. */
  onchain?: OnchainAttestationRef;
}

export interface OnchainAttestationRef {
  chain: string;
  eas: string;
  registry: string;
  schemaUid: string;
  uid?: string;
  /** The status last written on the chain. */
  status?: string;
}

export interface AccountLookupError {
  account: string;
  error: { type: string; title: string; status: number; detail?: string };
}

const HOLDER_PURPOSE = 'exchange.holder_pseudonym';

/** HMAC of identity and client under the lookup key: equal for one exchange, unrelated across exchanges. */
export async function holderPseudonym(
  ctx: ServiceContext,
  identityId: string,
  clientId: string,
): Promise<string> {
  return ctx.protector.keyedHash(`${clientId}:${identityId}`, HOLDER_PURPOSE);
}

/** The binding that speaks for an account: the live one, else the most recent revoked one. */
export function governingBinding(bindings: BindingRow[]): BindingRow | undefined {
  return bindings.find((binding) => binding.status !== 'revoked') ?? bindings[0];
}

/** A stored binding's account is canonical CAIP-10, so its chain is the text before the last colon. */
function onchainChainOf(ctx: ServiceContext, account: string) {
  const chain = ctx.chains.get(account.slice(0, account.lastIndexOf(':')));
  return chain?.attestations ? { id: chain.id, ...chain.attestations } : undefined;
}

function onchainRef(
  ctx: ServiceContext,
  account: string,
  mined: { uid: string; status: string } | undefined,
): { onchain?: OnchainAttestationRef } {
  const chain = onchainChainOf(ctx, account);
  if (!chain) return {};
  return {
    onchain: {
      chain: chain.id,
      eas: chain.eas,
      registry: chain.registry,
      schemaUid: chain.schemaUid,
      ...(mined ? { uid: mined.uid, status: mined.status } : {}),
    },
  };
}

function statusOf(binding: BindingRow, attestation: AttestationRow | undefined, now: Date): AccountStatus {
  if (binding.status === 'revoked') return 'revoked';
  if (binding.status === 'suspended') return 'suspended';
  if (!attestation) return 'none';
  const state = attestationState(attestation, now);
  return state === 'active' ? 'active' : state;
}

export async function lookupAccounts(
  ctx: ServiceContext,
  client: ApiClient,
  rawAccounts: string[],
  kind: Exclude<QueryKind, 'match'>,
): Promise<(AccountLookup | AccountLookupError)[]> {
  type Parsed = { raw: string; id: string; checked: boolean } | { raw: string; error: ProblemDetails };
  const attempt = (raw: string, parse: (raw: string) => { id: string; checked: boolean }): Parsed => {
    try {
      const { id, checked } = parse(raw);
      return { raw, id, checked };
    } catch (error) {
      if (error instanceof ProblemError) return { raw, error: error.toProblem() };
      throw error;
    }
  };
  const parsed = rawAccounts.map((raw) => attempt(raw, (text) => ACCOUNT_NAMESPACES.parseForLookup(text)));
  const ids = [...new Set(parsed.flatMap((item) => ('id' in item ? [item.id] : [])))];
  const now = ctx.clock.now();
  // Before anything is read: a status change committed after this write notifies the
  // client, and one committed before it is seen by the reads below. Either way the client
  // learns it (docs/exchange-api.md, "Webhooks").
  await ctx.interest.record(client.id, ids, now);
  const byAccount = new Map<string, BindingRow[]>();
  for (const binding of await bindingsOfAccounts(ctx.db, ids)) {
    byAccount.set(binding.account, [...(byAccount.get(binding.account) ?? []), binding]);
  }
  const governing = new Map<string, BindingRow>();
  for (const [account, bindings] of byAccount) governing.set(account, governingBinding(bindings)!);
  const newest = new Map<string, AttestationRow>();
  for (const row of await newestAttestations(
    ctx.db,
    [...governing.values()].map((b) => b.id),
  )) {
    newest.set(row.binding_id, row);
  }
  // A checksum taken on trust is right when it names a stored account; for the others,
  // the full parse decides between "no binding" and a wrong checksum.
  for (const [i, item] of parsed.entries()) {
    if ('id' in item && !item.checked && !governing.has(item.id)) {
      parsed[i] = attempt(item.raw, (text) => ({ ...ACCOUNT_NAMESPACES.parse(text), checked: true }));
    }
  }
  const identities = new Map(
    (await identitiesByIds(ctx.db, [...new Set([...governing.values()].map((b) => b.identity_id))])).map(
      (i) => [i.id, i],
    ),
  );
  const holders = new Map<string, string>();
  const publishing = [...governing.values()].filter((b) => onchainChainOf(ctx, b.account));
  const mined = new Map(
    (
      await chainAttestationsOf(
        ctx.db,
        publishing.flatMap((b) => newest.get(b.id)?.id ?? []),
      )
    ).map((row) => [row.attestation_id, row]),
  );

  const results: (AccountLookup | AccountLookupError)[] = [];
  for (const item of parsed) {
    if (!('id' in item)) {
      const { type, title, status, detail } = item.error;
      results.push({ account: item.raw, error: { type, title, status, ...(detail ? { detail } : {}) } });
      continue;
    }
    const binding = governing.get(item.id);
    if (!binding) {
      results.push({ account: item.id, status: 'none' });
      continue;
    }
    const attestation = newest.get(binding.id);
    const identity = identities.get(binding.identity_id);
    let holder = holders.get(binding.identity_id);
    if (!holder) {
      holder = await holderPseudonym(ctx, binding.identity_id, client.id);
      holders.set(binding.identity_id, holder);
    }
    results.push({
      account: item.id,
      status: statusOf(binding, attestation, now),
      ...(identity ? { country: identity.country, level: identity.level } : {}),
      method: binding.method,
      ...(attestation ? { issuedAt: attestation.issued_at, expiresAt: attestation.expires_at } : {}),
      holder,
      ...(attestation
        ? {
            attestation: {
              jwt: attestation.jwt,
              // The EIP-712 form exists only for namespaces that have one (eip155).
              ...(attestation.eip712 ? { eip712: new StoredJson(attestation.eip712) } : {}),
              statusList: {
                uri: statusListUri(ctx, attestation.status_list_id),
                idx: Number(attestation.status_list_index),
              },
            },
          }
        : {}),
      ...onchainRef(ctx, binding.account, attestation && mined.get(attestation.id)),
    });
  }
  ctx.queryLog.record(
    results.map((result) => ({
      clientId: client.id,
      kind,
      account: result.account,
      result: 'error' in result ? 'error' : result.status,
      at: now,
    })),
  );
  return results;
}

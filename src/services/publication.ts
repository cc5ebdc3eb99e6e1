// What the service publishes for offline verifiers: its JWKS (the current key plus every
// retired key that still has unexpired tokens out there) and its issuer metadata.
import type { JWK } from 'jose';
import type { LinkableChain } from '../chains/chainDirectory.js';
import { NAMESPACE_ADAPTERS, namespaceAdapter } from '../domain/accounts/index.js';
import { ATTESTATION_SCHEMA, ATTESTATION_SCHEMA_UID } from '../domain/attestations/easAttestation.js';
import { latestExpiryByKid } from '../store/repositories/attestations.js';
import { eip712DomainFor } from './attestations.js';
import type { ServiceContext } from './context.js';
import { STATUS_LIST_BITS, STATUS_LIST_TYP } from './statusLists.js';
import { logVerifierKey } from './tlogTiles.js';

/**
 * A retired key stays published while any token it signed is unexpired, and for two
 * status-list TTLs after retirement (status-list tokens it signed may still be cached).
 */
export async function publishedJwks(ctx: ServiceContext): Promise<{ keys: JWK[] }> {
  const keys = await ctx.keys.signingKeys();
  const latest = await latestExpiryByKid(
    ctx.db,
    keys.slice(1).map((key) => key.kid),
  );
  const now = ctx.clock.now();
  const graceMs = 2 * ctx.config.statusLists.ttlSeconds * 1000;
  return {
    keys: keys
      .filter((key, position) => {
        if (position === 0) return true;
        const lastExpiry = latest.get(key.kid);
        if (lastExpiry !== undefined && lastExpiry > now.toISOString()) return true;
        return key.retiredAt !== undefined && new Date(key.retiredAt).getTime() + graceMs > now.getTime();
      })
      .map((key) => key.jwk),
  };
}

export async function issuerMetadata(ctx: ServiceContext) {
  const { publicUrl } = ctx.config;
  const chains = [...ctx.chains.values()];
  const offered = chains.map((chain) => ({ chain, ...chainOffer(chain) }));
  const proofMethods = [...new Set(NAMESPACE_ADAPTERS.flatMap((adapter) => adapter.proofMethods))].filter(
    (method) => offered.some((offer) => offer.proofMethods.includes(method)),
  );
  const algs = [...new Set((await ctx.keys.signingKeys()).map((key) => key.alg))];
  return {
    issuer: publicUrl,
    jwks_uri: `${publicUrl}/.well-known/jwks.json`,
    formats: {
      jwt: { typ: 'wallet-attestation+jwt', alg_values: algs },
      eip712: {
        shape: 'eas-offchain-v2',
        schema: ATTESTATION_SCHEMA,
        schema_uid: ATTESTATION_SCHEMA_UID,
        primary_type: 'Attest',
        domains: offered
          .filter((offer) => offer.attestationForms.includes('eip712'))
          .map(({ chain }) => ({ chain: chain.id, domain: eip712DomainFor(ctx, chain.id) })),
      },
    },
    status_lists: {
      bits: STATUS_LIST_BITS,
      typ: STATUS_LIST_TYP,
      uri_template: `${publicUrl}/v1/status-lists/{id}`,
    },
    namespaces: NAMESPACE_ADAPTERS.filter((adapter) =>
      chains.some((chain) => chain.namespace === adapter.namespace),
    ).map((adapter) => {
      const mine = offered.filter((offer) => offer.chain.namespace === adapter.namespace);
      return {
        namespace: adapter.namespace,
        title: adapter.title,
        chains: mine.map((offer) => offer.chain.id),
        proof_methods: adapter.proofMethods.filter((method) =>
          mine.some((offer) => offer.proofMethods.includes(method)),
        ),
        attestation_forms: [...adapter.attestationForms],
      };
    }),
    chains: offered.map(({ chain, proofMethods: methods, attestationForms }) => ({
      id: chain.id,
      namespace: chain.namespace,
      proof_methods: methods,
      attestation_forms: attestationForms,
      contract_wallets: Boolean(chain.client),
      onchain_proof: Boolean(chain.client && chain.registry),
      ...(chain.registry ? { registry: chain.registry } : {}),
      confirmations: chain.confirmations,
      ...(chain.attestations
        ? {
            attestations: {
              eas: chain.attestations.eas,
              registry: chain.attestations.registry,
              schema_uid: chain.attestations.schemaUid,
            },
          }
        : {}),
    })),
    proof_methods: proofMethods,
    attester_address: await ctx.keys.attesterAddress(),
    ...(ctx.keys.logSigner
      ? {
          transparency_log: {
            origin: ctx.config.transparencyLog.origin,
            verifier_key: await logVerifierKey(ctx),
            prefix: `${publicUrl}/log`,
            witnesses: ctx.config.transparencyLog.witnesses,
          },
        }
      : {}),
  };
}

/**
 * What a chain offers: its adapter's proof methods less those it cannot check here (contract
 * wallets need an RPC endpoint, on-chain proofs a registry too), and its attestation forms.
 */
function chainOffer(chain: LinkableChain): { proofMethods: string[]; attestationForms: string[] } {
  const adapter = namespaceAdapter(chain.namespace);
  return {
    proofMethods: adapter.proofMethods.filter((method) => {
      if (method === 'onchain') return Boolean(chain.client && chain.registry);
      return !adapter.rpcProofMethods?.includes(method) || Boolean(chain.client);
    }),
    attestationForms: [...adapter.attestationForms],
  };
}

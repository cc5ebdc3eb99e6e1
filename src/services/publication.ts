// What the service publishes for offline verifiers: its JWKS (the current key plus every
// retired key that still has unexpired tokens out there) and its issuer metadata.
import type { JWK } from 'jose';
import { ATTESTATION_SCHEMA, ATTESTATION_SCHEMA_UID } from '../domain/attestations/easAttestation.js';
import { latestExpiryByKid } from '../store/repositories/attestations.js';
import { eip712DomainFor } from './attestations.js';
import type { ServiceContext } from './context.js';
import { STATUS_LIST_BITS, STATUS_LIST_TYP } from './statusLists.js';

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
  const anyRpc = chains.some((chain) => chain.client);
  const anyRegistry = chains.some((chain) => chain.client && chain.registry);
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
        domains: chains.map((chain) => ({ chain: chain.id, domain: eip712DomainFor(ctx, chain.id) })),
      },
    },
    status_lists: {
      bits: STATUS_LIST_BITS,
      typ: STATUS_LIST_TYP,
      uri_template: `${publicUrl}/v1/status-lists/{id}`,
    },
    chains: chains.map((chain) => ({
      id: chain.id,
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
    proof_methods: ['eip191', ...(anyRpc ? ['erc1271', 'erc6492'] : []), ...(anyRegistry ? ['onchain'] : [])],
    attester_address: await ctx.keys.attesterAddress(),
  };
}

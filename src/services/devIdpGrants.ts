// The dev IdP's codes and access tokens in the database, so that every instance on it
// honours them: a sign-in started on one instance may come back to another. At rest a
// value is only its SHA-256 and the grant (a test person, national ID included) is
// sealed by the data protector.
import type { AccessGrant, CodeGrant, DevIdpGrantStores, TokenStore } from '../http/devIdp/index.js';
import { ACCESS_TOKEN_LIFETIME_MS, CODE_LIFETIME_MS, newGrantValue } from '../http/devIdp/index.js';
import {
  type DevIdpGrantRow,
  findDevIdpGrant,
  insertDevIdpGrant,
  takeDevIdpGrant,
} from '../store/repositories/devIdpGrants.js';
import type { ServiceContext } from './context.js';

const PURPOSE = 'dev_idp.grant';

function databaseTokenStore<Grant>(
  ctx: ServiceContext,
  kind: DevIdpGrantRow['kind'],
  lifetimeMs: number,
): TokenStore<Grant> {
  const hashOf = (value: string) => ctx.digests.sha256Hex(`dev-idp ${kind}:${value}`);
  const open = async (sealed: string) =>
    JSON.parse(await ctx.protector.decrypt(sealed, `${PURPOSE}.${kind}`)) as Grant;
  return {
    async issue(grant) {
      const value = newGrantValue();
      await insertDevIdpGrant(ctx.db, {
        value_hash: await hashOf(value),
        kind,
        sealed_grant: await ctx.protector.encrypt(JSON.stringify(grant), `${PURPOSE}.${kind}`),
        expires_at: new Date(ctx.clock.now().getTime() + lifetimeMs).toISOString(),
      });
      return value;
    },
    async redeem(value) {
      const row = await takeDevIdpGrant(ctx.db, kind, await hashOf(value));
      if (!row || row.expires_at <= ctx.clock.now().toISOString()) return undefined;
      return open(row.sealed_grant);
    },
    async find(value) {
      const row = await findDevIdpGrant(ctx.db, kind, await hashOf(value), ctx.clock.now());
      return row ? open(row.sealed_grant) : undefined;
    },
  };
}

export function databaseGrantStores(ctx: ServiceContext): DevIdpGrantStores {
  return {
    codes: databaseTokenStore<CodeGrant>(ctx, 'code', CODE_LIFETIME_MS),
    accessTokens: databaseTokenStore<AccessGrant>(ctx, 'access_token', ACCESS_TOKEN_LIFETIME_MS),
  };
}

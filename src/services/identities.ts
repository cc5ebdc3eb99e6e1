// Recording a verified identity: national ID as keyed hash + ciphertext, names encrypted.

import type { Kysely } from 'kysely';
import { newId, newToken } from '../crypto/tokens.js';
import type { VerifiedIdentityClaims } from '../domain/identity/identitySource.js';
import type { Database, IdentityRow } from '../store/database.js';
import { appendAudit } from '../store/repositories/auditLog.js';
import {
  findIdentityByNationalIdHash,
  insertIdentity,
  updateIdentity,
} from '../store/repositories/identities.js';
import type { ServiceContext } from './context.js';

export const PURPOSE = {
  nationalIdHash: 'identity.national_id.lookup',
  nationalId: 'identity.national_id',
  personalData: 'identity.personal_data',
} as const;

export interface PersonalData {
  givenName?: string;
  familyName?: string;
  patronymic?: string;
  birthDate?: string;
}

export function nationalIdLookupHash(ctx: ServiceContext, country: string, nationalId: string) {
  return ctx.protector.keyedHash(`${country}:${nationalId}`, PURPOSE.nationalIdHash);
}

/** Creates the identity on first verification, refreshes it on later ones; call inside a transaction. */
export async function recordVerifiedIdentity(
  ctx: ServiceContext,
  trx: Kysely<Database>,
  claims: VerifiedIdentityClaims,
): Promise<{ identity: IdentityRow; created: boolean }> {
  const now = ctx.clock.now().toISOString();
  const hash = await nationalIdLookupHash(ctx, claims.country, claims.nationalId);
  const personal: PersonalData = {
    givenName: claims.givenName,
    familyName: claims.familyName,
    patronymic: claims.patronymic,
    birthDate: claims.birthDate,
  };
  const personalCiphertext = await ctx.protector.encrypt(JSON.stringify(personal), PURPOSE.personalData);
  const nationalIdCiphertext = await ctx.protector.encrypt(claims.nationalId, PURPOSE.nationalId);

  {
    const existing = await findIdentityByNationalIdHash(trx, hash);
    const changes = {
      personal_data_ciphertext: personalCiphertext,
      level: claims.level,
      source: claims.source,
      verified_at: now,
    };
    let identity: IdentityRow;
    if (existing) {
      await updateIdentity(trx, existing.id, changes);
      identity = { ...existing, ...changes };
    } else {
      identity = {
        id: newId(),
        country: claims.country,
        national_id_hash: hash,
        national_id_ciphertext: nationalIdCiphertext,
        webauthn_user_id: newToken(32),
        roles: 'citizen',
        created_at: now,
        link_blocked_at: null,
        link_blocked_reason: null,
        ...changes,
      };
      await insertIdentity(trx, identity);
    }
    await appendAudit(
      trx,
      {
        actorType: 'citizen',
        actorId: identity.id,
        action: existing ? 'identity.reverified' : 'identity.created',
        subjectType: 'identity',
        subjectId: identity.id,
        details: { source: claims.source, level: claims.level, country: claims.country },
      },
      ctx.clock.now(),
    );
    return { identity, created: !existing };
  }
}

export interface IdentitySummary {
  id: string;
  country: string;
  level: string;
  source: string;
  verifiedAt: string;
  givenName?: string;
  familyName?: string;
  patronymic?: string;
  birthDate?: string;
  /** Only when the holder asked for it explicitly. */
  nationalId?: string;
  /** The last four digits, enough for a person to recognise their own ID. */
  nationalIdHint: string;
  /** Set while a regulator's revocation of the identity keeps it from linking accounts. */
  linkBlock?: { at: string; reason: string };
}

export async function summariseIdentity(
  ctx: ServiceContext,
  identity: IdentityRow,
  options: { revealNationalId: boolean },
): Promise<IdentitySummary> {
  const personal = JSON.parse(
    await ctx.protector.decrypt(identity.personal_data_ciphertext, PURPOSE.personalData),
  ) as PersonalData;
  const nationalId = await ctx.protector.decrypt(identity.national_id_ciphertext, PURPOSE.nationalId);
  return {
    id: identity.id,
    country: identity.country,
    level: identity.level,
    source: identity.source,
    verifiedAt: identity.verified_at,
    ...personal,
    ...(options.revealNationalId ? { nationalId } : {}),
    nationalIdHint: `••••••••${nationalId.slice(-4)}`,
    ...(identity.link_blocked_at
      ? { linkBlock: { at: identity.link_blocked_at, reason: identity.link_blocked_reason ?? '' } }
      : {}),
  };
}

// The identity part of the account page: who, verified when and how, and, when a
// regulator has acted on the identity, what that means and what to do next.
import type { IdentitySummary } from '../../../services/identities.js';
import type { OwnBinding } from './bindings.js';
import { codeText, LEVEL_KEYS, REASON_KEYS, SOURCE_KEYS } from './keys.js';
import type { Translate } from './page.js';

export type IdentityStatus = 'active' | 'suspended' | 'revoked';

/**
 * Revoked while a regulator's block stands; suspended when a regulator has suspended every
 * live link (suspending an identity suspends each of its bindings; nothing else is stored).
 */
export function identityStatus(identity: IdentitySummary, bindings: readonly OwnBinding[]): IdentityStatus {
  if (identity.linkBlock) return 'revoked';
  const live = bindings.filter((binding) => binding.status !== 'revoked');
  return live.length > 0 && live.every((binding) => binding.status === 'suspended') ? 'suspended' : 'active';
}

/** A regulator's reason code in words; an unknown code as it is. */
export function reasonText(tr: Translate, reason: string | undefined): string {
  return reason ? codeText(tr, REASON_KEYS, reason) : tr('citizen.reason.unknown');
}

export function IdentitySection(p: {
  identity: IdentitySummary;
  status: IdentityStatus;
  tr: Translate;
  date: (iso: string) => string;
}) {
  const { identity, tr } = p;
  const name = [identity.givenName, identity.patronymic, identity.familyName].filter(Boolean).join(' ');
  return (
    <section id="identity" data-status={p.status} aria-labelledby="identity-heading">
      <h2 id="identity-heading">{tr('citizen.identity.heading')}</h2>
      {name && <p class="identity-name">{name}</p>}
      <p>{tr('citizen.identity.nationalId', { hint: identity.nationalIdHint })}</p>
      <p>
        {tr('citizen.identity.verified', {
          date: p.date(identity.verifiedAt),
          source: codeText(tr, SOURCE_KEYS, identity.source),
        })}{' '}
        {codeText(tr, LEVEL_KEYS, identity.level)}
      </p>
      {p.status === 'revoked' && identity.linkBlock && (
        <div id="identity-notice" class="notice" role="alert">
          <p>
            {tr('citizen.identity.revoked', {
              date: p.date(identity.linkBlock.at),
              reason: reasonText(tr, identity.linkBlock.reason),
            })}
          </p>
          <p>{tr('citizen.identity.revokedNext')}</p>
        </div>
      )}
      {p.status === 'suspended' && (
        <div id="identity-notice" class="notice" role="alert">
          <p>{tr('citizen.identity.suspended')}</p>
          <p>{tr('citizen.identity.suspendedNext')}</p>
        </div>
      )}
    </section>
  );
}

// The linked accounts: live links (active or suspended) with what exchanges see, the
// attestation's validity and the actions open now, and ended links apart, each with who
// ended it, when, why and what can be done next.
import type { AttestationSummary } from '../../../services/attestations.js';
import { type BindingSummary, HOLDER_REQUEST } from '../../../services/walletsBinding.js';
import { reasonText } from './identity.js';
import { codeText, METHOD_KEYS, NETWORK_KEYS, STATUS_KEYS } from './keys.js';
import { FeedbackSlot, type Translate } from './page.js';

export type OwnBinding = BindingSummary & { attestation?: AttestationSummary };

interface BindingView {
  tr: Translate;
  date: (iso: string) => string;
  /** The present time and the renewal window, to offer Renew only when the service allows it. */
  now: Date;
  renewalWindowSeconds: number;
}

/** A CAIP-10 account with break opportunities after its separators only (never inside a word). */
export function AccountId({ account }: { account: string }) {
  const parts = account.split(':');
  return (
    <code class="account-id">
      {parts.map((part, index) => (
        <>
          {part}
          {index < parts.length - 1 && (
            <>
              :<wbr />
            </>
          )}
        </>
      ))}
    </code>
  );
}

/** What the citizen sees as the status: an expired attestation of a live link says so. */
function displayedStatus(binding: OwnBinding): string {
  if (binding.status === 'active' && binding.attestation?.state === 'expired') return 'expired';
  return binding.status;
}

/** When the service starts accepting a renewal: the renewal window before expiry. */
function renewalOpensAt(attestation: AttestationSummary, view: BindingView): Date {
  return new Date(new Date(attestation.expiresAt).getTime() - view.renewalWindowSeconds * 1000);
}

function Validity({ binding, view }: { binding: OwnBinding; view: BindingView }) {
  const { tr, date } = view;
  const attestation = binding.attestation;
  if (binding.status !== 'active' || !attestation) return null;
  const renewableFrom = renewalOpensAt(attestation, view);
  const renewable = view.now >= renewableFrom;
  return (
    <p>
      {attestation.state === 'expired'
        ? tr('citizen.bindings.expiredOn', { date: date(attestation.expiresAt) })
        : tr('citizen.bindings.validUntil', { date: date(attestation.expiresAt) })}
      {!renewable && ` ${tr('citizen.bindings.renewFrom', { date: date(renewableFrom.toISOString()) })}`}
    </p>
  );
}

function Reason({ binding, view }: { binding: OwnBinding; view: BindingView }) {
  const { tr, date } = view;
  const at = date(binding.statusChangedAt);
  if (binding.status === 'suspended')
    return (
      <div class="binding-reason">
        <p>
          {tr('citizen.bindings.suspendedReason', {
            date: at,
            reason: reasonText(tr, binding.suspensionReason),
          })}
        </p>
        <p>{tr('citizen.bindings.suspendedNext')}</p>
      </div>
    );
  if (binding.status !== 'revoked') return null;
  if (binding.revocationReason === HOLDER_REQUEST)
    return (
      <div class="binding-reason">
        <p>{tr('citizen.bindings.unlinkedOn', { date: at })}</p>
        <p>{tr('citizen.bindings.unlinkedNext')}</p>
      </div>
    );
  return (
    <div class="binding-reason">
      <p>
        {tr('citizen.bindings.revokedReason', { date: at, reason: reasonText(tr, binding.revocationReason) })}
      </p>
      <p>{tr('citizen.bindings.revokedNext')}</p>
    </div>
  );
}

function Actions({ binding, view }: { binding: OwnBinding; view: BindingView }) {
  const { tr } = view;
  const attestation = binding.attestation;
  if (binding.status !== 'active') return null;
  const renewable = !attestation || view.now >= renewalOpensAt(attestation, view);
  const id = encodeURIComponent(binding.id);
  const formats =
    attestation && attestation.state === 'active' ? (attestation.eip712 ? ['jwt', 'eip712'] : ['jwt']) : [];
  return (
    <div class="item-actions">
      {formats.map((format) => (
        <a class="button secondary" href={`/v1/wallets/${id}/attestation?format=${format}`} download>
          {tr('citizen.bindings.download', { format: format === 'jwt' ? 'JWT' : 'EIP-712' })}
        </a>
      ))}
      {renewable && (
        <button type="button" class="secondary" data-action="binding-renew">
          {tr('citizen.bindings.renew')}
        </button>
      )}
      <button type="button" class="secondary" data-action="binding-unlink">
        {tr('citizen.bindings.unlink')}
      </button>
    </div>
  );
}

function BindingItem({ binding, view }: { binding: OwnBinding; view: BindingView }) {
  const { tr, date } = view;
  const status = displayedStatus(binding);
  return (
    <li data-binding-id={binding.id} data-status={status} data-account={binding.account}>
      <div class="item-text">
        <AccountId account={binding.account} />
        <span class={`badge badge-${status}`}>{codeText(tr, STATUS_KEYS, status)}</span>
        <span class="muted">
          {tr('citizen.bindings.network', {
            network: codeText(tr, NETWORK_KEYS, binding.chainId.split(':')[0] ?? ''),
          })}
          .{' '}
          {tr('citizen.bindings.linkedOn', {
            date: date(binding.createdAt),
            method: codeText(tr, METHOD_KEYS, binding.method),
          })}
        </span>
        <Validity binding={binding} view={view} />
        <Reason binding={binding} view={view} />
      </div>
      <Actions binding={binding} view={view} />
    </li>
  );
}

export function BindingsSections(p: { bindings: OwnBinding[] } & BindingView) {
  const { tr } = p;
  const live = p.bindings.filter((binding) => binding.status !== 'revoked');
  const ended = p.bindings.filter((binding) => binding.status === 'revoked').reverse();
  return (
    <>
      <section id="bindings-section" data-feedback aria-labelledby="bindings-heading">
        <h2 id="bindings-heading">{tr('citizen.bindings.heading')}</h2>
        {live.length === 0 && <p id="bindings-none">{tr('citizen.bindings.none')}</p>}
        <ul id="bindings" class="items">
          {live.map((binding) => (
            <BindingItem binding={binding} view={p} />
          ))}
        </ul>
        <FeedbackSlot />
      </section>
      <section id="history-section" aria-labelledby="history-heading" hidden={ended.length === 0}>
        <h2 id="history-heading">{tr('citizen.bindings.historyHeading')}</h2>
        <p>{tr('citizen.bindings.historyIntro')}</p>
        <ul id="bindings-history" class="items history">
          {ended.map((binding) => (
            <BindingItem binding={binding} view={p} />
          ))}
        </ul>
      </section>
    </>
  );
}

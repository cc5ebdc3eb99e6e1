// The passkeys of the account: each with its dates, rename and remove (the script asks
// for confirmation, with a warning before the last one), and adding a named one.
import type { PasskeySummary } from '../../../services/passkeys.js';
import { PasskeyNameField } from './enroll.js';
import { FeedbackSlot, type Translate } from './page.js';

export function PasskeysSection(p: {
  passkeys: PasskeySummary[];
  tr: Translate;
  date: (iso: string) => string;
}) {
  const { tr } = p;
  return (
    <section id="passkeys-section" data-feedback aria-labelledby="passkeys-heading">
      <h2 id="passkeys-heading">{tr('citizen.passkeys.heading')}</h2>
      <p>{tr('citizen.passkeys.intro')}</p>
      <ul id="passkeys" class="items" data-count={p.passkeys.length}>
        {p.passkeys.map((passkey) => (
          <li data-passkey-id={passkey.id} data-name={passkey.name}>
            <div class="item-text">
              <strong class="passkey-name">{passkey.name || tr('citizen.passkeys.unnamed')}</strong>
              <span class="muted">
                {tr('citizen.passkeys.added', { date: p.date(passkey.createdAt) })}
                {passkey.lastUsedAt
                  ? ` ${tr('citizen.passkeys.lastUsed', { date: p.date(passkey.lastUsedAt) })}`
                  : ''}
              </span>
            </div>
            <div class="item-actions">
              <button type="button" class="secondary" data-action="passkey-rename">
                {tr('citizen.passkeys.rename')}
              </button>
              <button type="button" class="secondary" data-action="passkey-remove">
                {tr('citizen.passkeys.remove')}
              </button>
            </div>
          </li>
        ))}
      </ul>
      <FeedbackSlot />
      <div class="add-passkey">
        <PasskeyNameField id="passkey-add-name" tr={tr} />
        <button type="button" id="passkey-add">
          {tr('citizen.passkeys.add')}
        </button>
      </div>
    </section>
  );
}

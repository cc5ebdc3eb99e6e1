// The Activity page: who looked at the citizen. Regulators' lookups and actions (when,
// which authority and how, why, and a link to the entry's inclusion proof in the audit
// log), lookups of still-confidential cases withheld (counted where the deployment allows
// it), and the exchanges' queries of the citizen's accounts. Rendered from the same use
// case as GET /v1/me/activity.
import type { Context } from 'hono';
import { hasMessage, t } from '../../../i18n/catalogue.js';
import { type Activity, activityOf, type OfficialAccess } from '../../../services/activity.js';
import type { AppEnv } from '../../env.js';
import { reasonText } from './identity.js';
import { citizenPage, pageDate, SignOut, type Translate } from './page.js';

/** A domain code in words through a catalogue area, or the code itself when the catalogue has none. */
function named(tr: Translate, key: string, code: string): string {
  return hasMessage(key) ? tr(key) : code;
}

function OfficialItem(p: { access: OfficialAccess; tr: Translate; date: (iso: string) => string }) {
  const { access, tr } = p;
  const how =
    access.via === 'api-key' ? tr('citizen.activity.via.system') : tr('citizen.activity.via.officer');
  return (
    <li class="activity-item" data-seq={access.seq}>
      <p>
        <strong>{named(tr, `console.event.${access.action}`, access.action)}</strong>
        {access.by && <> ({named(tr, `console.lookupBy.${access.by}`, access.by)})</>}
      </p>
      <p>
        {tr('citizen.activity.when', { date: p.date(access.at) })} {tr('citizen.activity.who', { how })}
      </p>
      {access.purpose && (
        <p>
          {tr('citizen.activity.purpose', {
            purpose: named(tr, `console.purpose.${access.purpose}`, access.purpose),
          })}
        </p>
      )}
      {access.reason && <p>{tr('citizen.activity.reason', { reason: reasonText(tr, access.reason) })}</p>}
      {access.account && <p class="account-id">{access.account}</p>}
      <p>
        <a href={`/v1/audit/entries/${access.seq}/proof`}>
          {tr('citizen.activity.proof', { seq: access.seq })}
        </a>
      </p>
    </li>
  );
}

export function ActivitySections(p: { activity: Activity; tr: Translate; date: (iso: string) => string }) {
  const { activity, tr } = p;
  return (
    <>
      <section id="official-access" aria-labelledby="official-heading">
        <h2 id="official-heading">{tr('citizen.activity.official.heading')}</h2>
        {activity.withheld !== undefined && activity.withheld > 0 && (
          <p id="withheld" class="notice">
            {tr('citizen.activity.withheld', { count: activity.withheld })}
          </p>
        )}
        {activity.official.length === 0 ? (
          <p>{tr('citizen.activity.official.none')}</p>
        ) : (
          <ol class="activity-list">
            {activity.official.map((access) => (
              <OfficialItem access={access} tr={tr} date={p.date} />
            ))}
          </ol>
        )}
        <p class="hint">{tr('citizen.activity.proofHint')}</p>
      </section>
      <section id="exchange-queries" aria-labelledby="exchanges-heading">
        <h2 id="exchanges-heading">{tr('citizen.activity.exchanges.heading')}</h2>
        {activity.exchangeQueries.length === 0 ? (
          <p>{tr('citizen.activity.exchanges.none')}</p>
        ) : (
          <ol class="activity-list">
            {activity.exchangeQueries.map((query) => (
              <li class="activity-item">
                <p>
                  <strong>{query.exchange}</strong> —{' '}
                  {named(tr, `citizen.activity.kind.${query.kind}`, query.kind)}
                </p>
                <p>{tr('citizen.activity.when', { date: p.date(query.at) })}</p>
                <p class="account-id">{query.account}</p>
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}

export async function activityPage(c: Context<AppEnv>) {
  const { services } = c.get('deps');
  const locale = c.get('locale');
  const tr: Translate = (key, params) => t(locale, key, params);
  const activity = await activityOf(services, c.get('session')!.identityId);
  return citizenPage(c, {
    title: 'citizen.activity.title',
    header: <SignOut tr={tr} />,
    children: (
      <>
        <p>
          <a href="/account">{tr('citizen.activity.back')}</a>
        </p>
        <h1>{tr('citizen.activity.title')}</h1>
        <p>{tr('citizen.activity.intro')}</p>
        <ActivitySections activity={activity} tr={tr} date={(iso) => pageDate(locale, iso, true)} />
      </>
    ),
  });
}

// The account page, rendered from the same use cases as GET /v1/me, so it is complete
// without the script; the script acts through the JSON API and re-reads this page's
// sections afterwards (one renderer for both).
import type { Context } from 'hono';
import { NotFoundError } from '../../../domain/errors.js';
import { t } from '../../../i18n/catalogue.js';
import { summariseIdentity } from '../../../services/identities.js';
import { listPasskeySummaries } from '../../../services/passkeys.js';
import { listOwnBindings } from '../../../services/wallets.js';
import { findIdentityById } from '../../../store/repositories/identities.js';
import type { AppEnv } from '../../env.js';
import { BindingsSections } from './bindings.js';
import { IdentitySection, identityStatus } from './identity.js';
import { LinkSection } from './link.js';
import { citizenPage, pageDate, SignOut, type Translate } from './page.js';
import { PasskeysSection } from './passkeys.js';

export async function accountPage(c: Context<AppEnv>) {
  const { services } = c.get('deps');
  const session = c.get('session')!;
  const locale = c.get('locale');
  const record = await findIdentityById(services.db, session.identityId);
  if (!record) throw new NotFoundError('The identity of this session no longer exists');
  const identity = await summariseIdentity(services, record, { revealNationalId: false });
  const passkeys = await listPasskeySummaries(services, identity.id);
  const bindings = await listOwnBindings(services, identity.id);
  const tr: Translate = (key, params) => t(locale, key, params);
  const date = (iso: string) => pageDate(locale, iso);
  const status = identityStatus(identity, bindings);
  return citizenPage(c, {
    title: 'citizen.account.title',
    header: <SignOut tr={tr} />,
    children: (
      <>
        <h1>{tr('citizen.account.title')}</h1>
        <p>
          <a id="activity-link" href="/activity">
            {tr('citizen.account.activityLink')}
          </a>
        </p>
        <IdentitySection identity={identity} status={status} tr={tr} date={date} />
        <PasskeysSection passkeys={passkeys} tr={tr} date={date} />
        <BindingsSections
          bindings={bindings}
          tr={tr}
          date={date}
          now={services.clock.now()}
          renewalWindowSeconds={c.get('config').attestations.renewalWindowSeconds}
        />
        <LinkSection tr={tr} blocked={status === 'revoked'} />
      </>
    ),
  });
}

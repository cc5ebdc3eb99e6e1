// The home page: sign in with a passkey, or verify an identity to register one.
import type { Config } from '../../../config/config.js';
import { EgovMobileSigning } from '../egovMobile.js';
import { FeedbackSlot, type Translate } from './page.js';

export function HomePage({ config, tr }: { config: Config; tr: Translate }) {
  const sources = config.identitySources;
  const ncalayerUrl = config.x509?.ncalayerUrl;
  return (
    <>
      <h1>{tr('citizen.home.heading')}</h1>
      <p>{tr('citizen.home.intro')}</p>
      <section data-feedback aria-labelledby="returning">
        <h2 id="returning">{tr('citizen.home.returning')}</h2>
        <button type="button" id="passkey-sign-in">
          {tr('citizen.home.signIn')}
        </button>
        <FeedbackSlot />
      </section>
      <section data-feedback aria-labelledby="new">
        <h2 id="new">{tr('citizen.home.new')}</h2>
        <p>{tr('citizen.home.newIntro')}</p>
        <ul class="actions">
          {sources.includes('oidc') && (
            <li>
              <a class="button" href="/v1/identity/oidc/start?source=oidc">
                {tr('citizen.home.oidc')}
              </a>
            </li>
          )}
          {sources.includes('dev') && (
            <li>
              <a class="button" href="/v1/identity/oidc/start?source=dev">
                {tr('citizen.home.dev')}
              </a>
            </li>
          )}
          {ncalayerUrl && (
            <li>
              <button type="button" id="ncalayer-sign" data-url={ncalayerUrl}>
                {tr('citizen.home.ncalayer')}
              </button>
            </li>
          )}
          {config.x509?.egovMobile && <EgovMobileSigning tr={tr} />}
          {sources.includes('x509') && (
            <li>
              {tr('citizen.home.x509')} <code>POST /v1/identity/x509/challenge</code>,{' '}
              <code>POST /v1/identity/x509/verify</code>
            </li>
          )}
        </ul>
        <FeedbackSlot />
      </section>
    </>
  );
}

// The dev IdP's sign-in page: pick a test person. hono/jsx escapes every value it renders.
// Its language: the first supported one in the request's ui_locales (OIDC Core §3.1.2.1;
// the service sends its page's language), else the visitor's cookie or Accept-Language.
// The switcher reloads the same authorization request with another ui_locales.
import { formatDate, t } from '../../i18n/catalogue.js';
import { isLocale, type Locale } from '../../i18n/locale.js';
import { LanguageSwitcher } from '../pages/layout.js';
import type { AuthorizationRequest } from './authorizeRequest.js';
import { requestAsFormFields } from './authorizeRequest.js';
import type { TestPerson } from './testPersons.js';

// No inline styles: the app's Content-Security-Policy allows only same-origin stylesheets.
export const PICKER_CSS = `body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}
.warning{border:2px solid #b45309;background:#fef3c7;padding:.75rem 1rem;border-radius:.5rem}
ul{list-style:none;padding:0}li{margin:.5rem 0}
.languages{display:flex;gap:1rem;justify-content:flex-end}
button{width:100%;text-align:left;padding:.75rem 1rem;border-radius:.5rem;border:1px solid #999;background:#fff;color:#111;cursor:pointer}
button:hover{background:#f3f4f6}.iin{font-family:ui-monospace,monospace}`;

/** The page's language for a request: its ui_locales first, then `fallback`. */
export function pickerLocale(request: AuthorizationRequest, fallback: Locale): Locale {
  const asked = (request.uiLocales ?? '')
    .split(' ')
    .map((tag) => tag.toLowerCase().split('-')[0])
    .find(isLocale);
  return asked ?? fallback;
}

export function PickerPage(props: {
  issuer: string;
  request: AuthorizationRequest;
  persons: TestPerson[];
  locale: Locale;
}) {
  const { locale } = props;
  const fields = Object.entries(requestAsFormFields(props.request));
  const inLanguage = (code: Locale) =>
    `${props.issuer}/authorize?${new URLSearchParams({
      ...requestAsFormFields(props.request),
      // Kept, so that a login_hint does not sign in before the visitor has chosen.
      prompt: 'select_account',
      ui_locales: code,
    })}`;
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{t(locale, 'devIdp.title')}</title>
        <link rel="stylesheet" href={`${props.issuer}/style.css`} />
      </head>
      <body>
        <LanguageSwitcher locale={locale} hrefOf={inLanguage} />
        <main>
          <h1>{t(locale, 'devIdp.title')}</h1>
          <p class="warning" role="alert">
            <strong>{t(locale, 'devIdp.warningLead')}</strong> {t(locale, 'devIdp.warning')}
          </p>
          <p>
            {t(locale, 'devIdp.client')} <code>{props.request.clientId}</code> {t(locale, 'devIdp.asks')}{' '}
            {t(locale, 'devIdp.choose')}
          </p>
          <form method="post" action={`${props.issuer}/authorize`}>
            {fields.map(([name, value]) => (
              <input type="hidden" name={name} value={value} />
            ))}
            <ul>
              {props.persons.map((person) => (
                <li>
                  <button type="submit" name="person" value={person.nationalId}>
                    <strong>
                      {person.givenName} {person.familyName}
                    </strong>
                    <br />
                    {t(locale, 'devIdp.iin')} <span class="iin">{person.nationalId}</span> ·{' '}
                    {t(locale, 'devIdp.born', {
                      date: formatDate(locale, person.birthDate, { timeZone: 'UTC' }),
                    })}
                  </button>
                </li>
              ))}
            </ul>
          </form>
        </main>
      </body>
    </html>
  );
}

// The frame of every page: the language of the request (html lang, a switcher that
// keeps the current address), the stylesheet and the page's own scripts, and the
// messages those scripts show, as a JSON data block (not executed, so the CSP's
// script-src 'self' holds without inline scripts).
import type { Child } from 'hono/jsx';
import { type MessageKey, messagesWithPrefixes, t } from '../../i18n/catalogue.js';
import { LANGUAGE_NAMES, LOCALES, type Locale } from '../../i18n/locale.js';

export interface LayoutProps {
  locale: Locale;
  title: string;
  /** The page's address (path and query), for the language links. */
  url: string;
  /** Script bundles built from src/browser/<name>.ts, served at /assets/<name>.js. */
  scripts?: readonly string[];
  /** Extra stylesheets from src/browser/static/<name>.css, after app.css. */
  styles?: readonly string[];
  /** Catalogue key prefixes the scripts need (problem texts are always included). */
  messages?: readonly string[];
  /** Extra items in the header, e.g. the sign-out button of a signed-in page. */
  header?: Child;
  children: Child;
}

/** JSON inside a <script> data block: `<` escaped so no text can close the element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

export function Layout(props: LayoutProps) {
  const { locale } = props;
  const scripts = props.scripts ?? [];
  const messages = scripts.length
    ? messagesWithPrefixes(locale, ['problem.', 'common.', ...(props.messages ?? [])])
    : undefined;
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · ${t(locale, 'common.brand')}`}</title>
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/assets/app.css" />
        {(props.styles ?? []).map((name) => (
          <link rel="stylesheet" href={`/assets/${name}.css`} />
        ))}
        {messages && (
          <script
            type="application/json"
            id="page-messages"
            dangerouslySetInnerHTML={{ __html: scriptJson({ locale, messages }) }}
          />
        )}
        {scripts.map((name) => (
          <script src={`/assets/${name}.js`} defer />
        ))}
      </head>
      <body>
        <a class="skip-link" href="#content">
          {t(locale, 'common.skipToContent')}
        </a>
        <header class="site-header">
          <a href="/" class="brand">
            {t(locale, 'common.brand')}
          </a>
          <LanguageSwitcher locale={locale} hrefOf={(code) => withLanguage(props.url, code)} />
          {props.header}
        </header>
        <main id="content">{props.children}</main>
      </body>
    </html>
  );
}

/** Each language by its own name: the current one marked, the others linked to `hrefOf`. */
export function LanguageSwitcher(props: { locale: Locale; hrefOf: (code: Locale) => string }) {
  const { locale } = props;
  return (
    <nav class="languages" aria-label={t(locale, 'common.language')}>
      {LOCALES.map((code) =>
        code === locale ? (
          <span aria-current="true" lang={code}>
            {LANGUAGE_NAMES[code]}
          </span>
        ) : (
          <a href={props.hrefOf(code)} hreflang={code} lang={code}>
            {LANGUAGE_NAMES[code]}
          </a>
        ),
      )}
    </nav>
  );
}

/** The same address with `lang` set: the language middleware remembers it and reloads. */
export function withLanguage(url: string, locale: Locale): string {
  const [path = '/', query = ''] = url.split('?', 2);
  const params = new URLSearchParams(query);
  params.set('lang', locale);
  return `${path}?${params}`;
}

/** A page's title and body text from the catalogue. */
export function Message(props: { locale: Locale; id: MessageKey; params?: Record<string, string | number> }) {
  return <>{t(props.locale, props.id, props.params)}</>;
}

// The frame of a citizen page: the layout with the citizen script and its messages, the
// response's language named, and no caching of pages that show personal data.
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { formatDate, type MessageKey, type MessageParams, t } from '../../../i18n/catalogue.js';
import type { Locale } from '../../../i18n/locale.js';
import type { AppEnv } from '../../env.js';
import { Layout } from '../layout.js';

/** Dates on pages are read in Kazakhstan's time (the service has no per-reader zone). */
export const PAGE_TIME_ZONE = 'Asia/Almaty';

export function pageDate(locale: Locale, iso: string, time = false): string {
  return formatDate(locale, iso, { time, timeZone: PAGE_TIME_ZONE });
}

/** A translator bound to the request's language, for the page components. */
export type Translate = (key: MessageKey, params?: MessageParams) => string;

export function citizenPage(c: Context<AppEnv>, p: { title: MessageKey; header?: Child; children: Child }) {
  const locale = c.get('locale');
  const url = new URL(c.req.url);
  c.header('content-language', locale);
  c.header('vary', 'Accept-Language, Cookie');
  c.header('cache-control', 'no-store');
  return c.html(
    <Layout
      locale={locale}
      url={`${url.pathname}${url.search}`}
      title={t(locale, p.title)}
      scripts={['citizen']}
      messages={['citizen.', 'error.generic.']}
      header={p.header}
    >
      {p.children}
    </Layout>,
  );
}

/** Where the script puts an action's feedback (role=status or role=alert), next to it. */
export function FeedbackSlot() {
  return <div class="feedback-slot" />;
}

/** Signing out, in the header of every page with a session (an enrollment one included). */
export function SignOut({ tr }: { tr: Translate }) {
  return (
    <div class="session-actions" data-feedback>
      <button type="button" id="sign-out" class="secondary">
        {tr('common.signOut')}
      </button>
      <FeedbackSlot />
    </div>
  );
}

// The console's frame: the layout with the console's stylesheet and script, a navigation
// between its sections, and pages for refusals in the officer's language.
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ProblemDetails, ProblemError } from '../../../domain/errors.js';
import { formatDate, hasMessage, type MessageKey, t } from '../../../i18n/catalogue.js';
import type { AppEnv } from '../../env.js';
import { humanProblem } from '../../problem.js';
import { Layout } from '../layout.js';

const TIME_ZONE = 'Asia/Almaty';

export type Section = 'search' | 'conflicts' | 'approvals' | 'queries' | 'audit' | 'dashboard';

const SECTIONS: { id: Section; href: string; label: MessageKey }[] = [
  { id: 'search', href: '/regulator', label: 'console.nav.search' },
  { id: 'conflicts', href: '/regulator/conflicts', label: 'console.nav.conflicts' },
  { id: 'approvals', href: '/regulator/approvals', label: 'console.nav.approvals' },
  { id: 'queries', href: '/regulator/query-log', label: 'console.nav.queries' },
  { id: 'audit', href: '/regulator/audit', label: 'console.nav.audit' },
  { id: 'dashboard', href: '/regulator/dashboard', label: 'console.nav.dashboard' },
];

/** Text helpers bound to the request's language. */
export function textsOf(c: Context<AppEnv>) {
  const locale = c.get('locale');
  return {
    locale,
    t: (key: MessageKey, params?: Record<string, string | number>) => t(locale, key, params),
    /** A catalogue text if the key exists, else the code itself (new states, new actions). */
    named: (prefix: string, code: string) => {
      const key = `${prefix}${code}`;
      return hasMessage(key) ? t(locale, key) : code;
    },
    when: (iso: string | null | undefined) =>
      iso ? formatDate(locale, iso, { time: true, timeZone: TIME_ZONE }) : '—',
    day: (yyyyMmDd: string) => formatDate(locale, `${yyyyMmDd}T12:00:00Z`, { timeZone: 'UTC' }),
  };
}
export type Texts = ReturnType<typeof textsOf>;

export function ConsoleFrame(props: {
  c: Context<AppEnv>;
  title: string;
  section?: Section;
  children: Child;
}) {
  const { c } = props;
  const { t } = textsOf(c);
  const url = new URL(c.req.url);
  return (
    <Layout
      locale={c.get('locale')}
      url={`${url.pathname}${url.search}`}
      title={props.title}
      scripts={['console']}
      styles={['console']}
      messages={['console.']}
      header={
        <button type="button" id="console-sign-out" class="secondary">
          {t('common.signOut')}
        </button>
      }
    >
      <nav class="console-nav" aria-label={t('console.nav.label')}>
        <ul>
          {SECTIONS.map((s) => (
            <li>
              <a href={s.href} aria-current={s.id === props.section ? 'page' : undefined}>
                {t(s.label)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <OpenCaseBanner c={c} />
      {props.children}
    </Layout>
  );
}

/** A refusal inside the console: its human text and a way back. */
export function consoleProblemPage(c: Context<AppEnv>, problem: ProblemDetails) {
  const texts = textsOf(c);
  const human = humanProblem(problem, texts.locale);
  // English keeps the service's own words when the catalogue has only a general text.
  const detail = human.detail ?? (texts.locale === 'en' ? problem.detail : undefined);
  c.header('cache-control', 'no-store');
  c.header('content-language', texts.locale);
  return c.html(
    <ConsoleFrame c={c} title={human.title}>
      <h1>{human.title}</h1>
      <p class="feedback" role="alert" data-kind="error">
        {detail ?? texts.t('console.error.generic')}
      </p>
      <p>
        <a class="button" href="/regulator">
          {texts.t('console.error.backToSearch')}
        </a>
      </p>
    </ConsoleFrame>,
    problem.status as ContentfulStatusCode,
  );
}

/** For a signed-in person without the regulator role. */
export function forbiddenPage(c: Context<AppEnv>) {
  const { t, locale } = textsOf(c);
  const url = new URL(c.req.url);
  c.header('content-language', locale);
  return c.html(
    <Layout locale={locale} url={`${url.pathname}${url.search}`} title={t('console.forbidden.title')}>
      <h1>{t('console.forbidden.title')}</h1>
      <p role="alert">{t('console.forbidden.body')}</p>
      <p>
        <a class="button" href="/account">
          {t('console.forbidden.toAccount')}
        </a>
      </p>
    </Layout>,
    403,
  );
}

/** A refusal's human text, for showing next to the form that caused it. */
export function refusalText(c: Context<AppEnv>, error: ProblemError): string {
  const problem = error.toProblem();
  const texts = textsOf(c);
  const slug = problem.type.split('/').pop() ?? '';
  const key = `console.refusal.${slug}`;
  return texts.named('', key) !== key ? texts.named('', key) : (problem.detail ?? problem.title);
}

/** The case every lookup and action of this page is filed under, and the way to change it. */
function OpenCaseBanner(props: { c: Context<AppEnv> }) {
  const { c } = props;
  const { t } = textsOf(c);
  const officer = c.get('regulator');
  if (!officer) return null;
  const access = officer.access;
  const url = new URL(c.req.url);
  const change = `/regulator/case?${new URLSearchParams({ next: `${url.pathname}${url.search}` })}`;
  if (!access) {
    return (
      <p class="open-case none" id="open-case">
        <span>{t('console.case.none')}</span> <a href={change}>{t('console.case.openLink')}</a>
      </p>
    );
  }
  return (
    <p class="open-case" id="open-case">
      <span>
        {t('console.case.current')} <strong class="case-reference">{access.caseReference}</strong>
      </span>
      <span>{t(`console.purpose.${access.purpose}`)}</span>
      <a href={change}>{t('console.case.change')}</a>
    </p>
  );
}

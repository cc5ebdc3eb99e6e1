// The officer's open case: before any page that shows a person's data, the officer states
// why (a purpose code) and for which case file (its reference). Both are kept for the
// working day (http/officerCase.ts) and filed with every lookup and action, which the
// person concerned may later see; the banner of every console page shows them.
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { ProblemError } from '../../../domain/errors.js';
import { PURPOSE_CODES, parseAccessContext } from '../../../domain/regulator/accessPurpose.js';
import { caseConfidentiality } from '../../../services/disclosure.js';
import type { AppEnv } from '../../env.js';
import { forgetOpenCase, rememberOpenCase } from '../../officerCase.js';
import { consoleReturnPath } from './access.js';
import { ConsoleFrame, refusalText, type Texts, textsOf } from './frame.js';
import { HintedInput, LegalReferenceInput } from './parts.js';

type C = Context<AppEnv>;

/** Sends an officer without an open case to open one, and back to the page afterwards. */
export function requireOpenCase(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.get('regulator')?.access) return next();
    const url = new URL(c.req.url);
    const back = c.req.method === 'GET' ? `${url.pathname}${url.search}` : '/regulator';
    return c.redirect(
      `/regulator/case?${new URLSearchParams({ next: consoleReturnPath(back), needed: '1' })}`,
      303,
    );
  };
}

async function casePage(
  c: C,
  options: { next: string; needed?: boolean; message?: string; purpose?: string; caseReference?: string },
  status = 200,
) {
  const texts = textsOf(c);
  const open = c.get('regulator')?.access;
  const purpose = options.purpose ?? open?.purpose ?? '';
  const caseReference = options.caseReference ?? open?.caseReference ?? '';
  const services = c.get('deps').services;
  const confidentiality = open ? await caseConfidentiality(services, open.caseReference) : undefined;
  return c.html(
    <ConsoleFrame c={c} title={texts.t('console.case.title')} section="search">
      <h1>{texts.t('console.case.title')}</h1>
      {options.needed && (
        <p class="feedback" role="status" data-kind="info" id="case-needed">
          {texts.t('console.case.needed')}
        </p>
      )}
      <p>{texts.t('console.case.lead')}</p>
      <form method="post" action="/regulator/case" class="console-case-form" id="case-form">
        <input type="hidden" name="next" value={options.next} />
        <label for="case-purpose">{texts.t('console.case.purpose')}</label>
        <select id="case-purpose" name="purpose" required>
          <option value="" selected={purpose === ''}>
            {texts.t('console.case.choose')}
          </option>
          {PURPOSE_CODES.map((code) => (
            <option value={code} selected={code === purpose}>
              {texts.t(`console.purpose.${code}`)}
            </option>
          ))}
        </select>
        <HintedInput
          id="case-reference"
          name="caseReference"
          label={texts.t('console.case.reference')}
          hint={texts.t('console.case.referenceHint')}
          maxlength={64}
          value={caseReference}
        />
        <button type="submit" id="case-submit">
          {texts.t('console.case.submit')}
        </button>
        {options.message && (
          <p class="feedback" role="alert" data-kind="error" id="case-feedback">
            {options.message}
          </p>
        )}
      </form>
      {open && (
        <ConfidentialitySection
          texts={texts}
          confidentiality={confidentiality}
          maxDays={services.config.disclosure.maxConfidentialDays}
        />
      )}
      {open && (
        <form method="post" action="/regulator/case" id="case-close-form">
          <input type="hidden" name="close" value="1" />
          <button type="submit" class="secondary" id="case-close">
            {texts.t('console.case.close')}
          </button>
        </form>
      )}
    </ConsoleFrame>,
    status as 200,
  );
}

/**
 * The open case's confidentiality: whether its lookups are withheld from the people they
 * concern and until when, and the form that sets or extends the date (the script sends it
 * to POST /v1/regulator/confidential-cases after a fresh passkey assertion).
 */
function ConfidentialitySection(props: {
  texts: Texts;
  confidentiality: Awaited<ReturnType<typeof caseConfidentiality>> | undefined;
  maxDays: number;
}) {
  const { texts, confidentiality } = props;
  const withheld = confidentiality?.confidential === true;
  return (
    <section
      id="case-confidentiality"
      data-confidential={String(withheld)}
      aria-labelledby="case-confidential-heading"
    >
      <h2 id="case-confidential-heading">{texts.t('console.case.confidential.heading')}</h2>
      <p id="case-confidential-state">
        {withheld && confidentiality?.discloseAt
          ? texts.t('console.case.confidential.until', { date: texts.when(confidentiality.discloseAt) })
          : texts.t('console.case.confidential.none')}
      </p>
      {confidentiality?.legalReferences && (
        <p>
          {texts.t('console.case.confidential.legal', {
            references: confidentiality.legalReferences.join('; '),
          })}
        </p>
      )}
      <p>{texts.t('console.case.confidential.lead', { days: props.maxDays })}</p>
      <form id="case-confidential-form" class="console-case-form">
        <label for="case-disclose-at">{texts.t('console.case.confidential.date')}</label>
        <input id="case-disclose-at" name="discloseAt" type="date" required />
        <LegalReferenceInput texts={texts} id="case-confidential-legal" />
        <button type="submit" id="case-confidential-submit">
          {texts.t(withheld ? 'console.case.confidential.extend' : 'console.case.confidential.submit')}
        </button>
        <p class="feedback" id="case-confidential-feedback" hidden />
      </form>
    </section>
  );
}

export function caseRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/', (c) =>
    casePage(c, { next: consoleReturnPath(c.req.query('next')), needed: c.req.query('needed') === '1' }),
  );

  app.post('/', async (c) => {
    const form = await c.req.parseBody();
    const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
    if (field('close') === '1') {
      forgetOpenCase(c);
      return c.redirect('/regulator/case', 303);
    }
    const next = consoleReturnPath(field('next'));
    const raw = { purpose: field('purpose'), caseReference: field('caseReference') };
    try {
      rememberOpenCase(c, parseAccessContext(raw, { purpose: 'purpose', caseReference: 'caseReference' }));
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status >= 500) throw error;
      return casePage(
        c,
        {
          next,
          message: refusalText(c, error),
          ...(raw.purpose !== undefined ? { purpose: raw.purpose } : {}),
          ...(raw.caseReference !== undefined ? { caseReference: raw.caseReference.slice(0, 64) } : {}),
        },
        400,
      );
    }
    return c.redirect(next, 303);
  });

  return app;
}

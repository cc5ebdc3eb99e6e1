// The regulator console under /regulator: pages for officers, rendered on the server from
// the same regulator services the JSON API uses (every lookup audited as there). Actions
// are confirmed on their page and sent by its script to /v1/regulator/... after a fresh
// passkey assertion.
import { type Context, Hono } from 'hono';
import { verifyInclusion } from '../../../domain/audit/merkle.js';
import { ProblemError, ValidationError } from '../../../domain/errors.js';
import { DASHBOARD_MAX_DAYS, dailyActivity } from '../../../services/dashboard.js';
import { listPendingActions } from '../../../services/fourEyes.js';
import {
  auditHistory,
  listConflicts,
  lookupByAccount,
  lookupByBinding,
  lookupByIdentity,
  lookupByNationalId,
  previewConflictResolution,
  previewLinkBlockLift,
  previewRegulatorAction,
  readAuditLog,
  searchExchangeQueries,
} from '../../../services/regulator.js';
import { currentCheckpoint, inclusion } from '../../../services/transparency.js';
import type { AppEnv } from '../../env.js';
import { Layout } from '../layout.js';
import { consoleReturnPath, requireOfficerPage } from './access.js';
import { ActionPage, type ActionPlan } from './act.js';
import { ApprovalsList } from './approvals.js';
import { ActivityChart, ActivityTable } from './dashboard.js';
import { ConsoleFrame, consoleProblemPage, refusalText, type Texts, textsOf } from './frame.js';
import { BindingsTable, describeDetails, HistoryTable, IdentityCard } from './identity.js';
import { caseRoutes, requireOpenCase } from './openCase.js';
import { ConsoleTable, FilterNav, HintedInput } from './parts.js';

type C = Context<AppEnv>;
type Identity = Awaited<ReturnType<typeof lookupByIdentity>>['identity'];

function SearchForm(props: { texts: Texts; value?: string; message?: string }) {
  const { texts } = props;
  return (
    <form method="post" action="/regulator/search" class="console-search" id="console-search">
      <HintedInput
        id="search-query"
        name="q"
        label={texts.t('console.search.label')}
        hint={texts.t('console.search.hint')}
        maxlength={200}
        value={props.value ?? ''}
      />
      <button type="submit" id="search-submit">
        {texts.t('console.search.submit')}
      </button>
      {props.message && (
        <p class="feedback" role="alert" data-kind="error" id="search-feedback">
          {props.message}
        </p>
      )}
    </form>
  );
}

/** The people an account or binding belongs to, each with the way to their own page. */
function LinkedIdentities(props: { texts: Texts; identities: Identity[]; back: string }) {
  const { texts, back } = props;
  return (
    <>
      {props.identities.map((identity) => (
        <>
          <IdentityCard texts={texts} identity={identity} back={back} actions={false} />
          <p>
            <a href={`/regulator/identities/${encodeURIComponent(identity.id)}`}>
              {texts.t('console.account.toIdentity')}
            </a>
          </p>
        </>
      ))}
    </>
  );
}

async function identityPage(c: C, found: Awaited<ReturnType<typeof lookupByIdentity>>, status = 200) {
  const texts = textsOf(c);
  const back = `/regulator/identities/${encodeURIComponent(found.identity.id)}`;
  const subjects = [
    found.identity.id,
    ...found.bindings.flatMap((b) => [b.id, ...b.attestations.map((a) => a.id)]),
  ];
  const history = await auditHistory(c.get('deps').services, subjects);
  return c.html(
    <ConsoleFrame c={c} title={texts.t('console.identity.title')} section="search">
      <h1>{texts.t('console.identity.title')}</h1>
      <IdentityCard texts={texts} identity={found.identity} back={back} />
      <h2>{texts.t('console.bindings.title')}</h2>
      <BindingsTable texts={texts} bindings={found.bindings} back={back} />
      <HistoryTable texts={texts} entries={history} />
    </ConsoleFrame>,
    status as 200,
  );
}

function searchPage(c: C, options: { value?: string; message?: string; status?: number } = {}) {
  const texts = textsOf(c);
  return c.html(
    <ConsoleFrame c={c} title={texts.t('console.search.title')} section="search">
      <h1>{texts.t('console.search.title')}</h1>
      <SearchForm texts={texts} {...options} />
    </ConsoleFrame>,
    (options.status ?? 200) as 200,
  );
}

function dayParam(raw: string | undefined, name: string, endOfDay: boolean): string | undefined {
  if (!raw) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(`${raw}T00:00:00Z`))) {
    throw new ValidationError(`${name} must be a date (YYYY-MM-DD)`, { errors: [{ pointer: `/${name}` }] });
  }
  return new Date(Date.parse(`${raw}T00:00:00Z`) + (endOfDay ? 86_400_000 : 0)).toISOString();
}

const ACTIONS = ['suspend', 'reinstate', 'revoke'] as const;

async function planAction(c: C, q: Record<string, string>): Promise<ActionPlan> {
  const services = c.get('deps').services;
  const texts = textsOf(c);
  const { action = '', target = '', id = '' } = q;
  const back = consoleReturnPath(q.back);
  if (!id || id.length > 200) throw new ValidationError('id is required', { errors: [{ pointer: '/id' }] });
  if (
    (ACTIONS as readonly string[]).includes(action) &&
    ['identity', 'account', 'attestation'].includes(target)
  ) {
    const typed = { [target]: id } as { identity: string } | { account: string } | { attestation: string };
    const preview = await previewRegulatorAction(services, action as (typeof ACTIONS)[number], typed);
    return {
      action,
      endpoint: `/v1/regulator/${{ suspend: 'suspensions', reinstate: 'reinstatements', revoke: 'revocations' }[action]}`,
      body: { target: typed },
      targetText: texts.t(`console.act.target.${target}` as 'console.act.target.identity', { id }),
      changes: preview.changes,
      unchanged: preview.unchanged,
      notes: preview.blocksLinking ? [texts.t('console.act.blocksLinking')] : [],
      back,
    };
  }
  if (action === 'lift' && target === 'identity') {
    const { blocked } = await previewLinkBlockLift(services, id);
    return {
      action,
      endpoint: '/v1/regulator/link-block-lifts',
      body: { identity: id },
      targetText: texts.t('console.act.target.identity', { id }),
      changes: [],
      unchanged: [],
      notes: blocked ? [texts.t('console.act.liftsBlock')] : [],
      back,
    };
  }
  if ((action === 'revoke_existing' || action === 'dismiss') && target === 'conflict') {
    const preview = await previewConflictResolution(services, id, action);
    const notes = preview.open
      ? [texts.t(action === 'dismiss' ? 'console.act.conflictDismissed' : 'console.act.conflictResolved')]
      : [];
    return {
      action,
      endpoint: `/v1/regulator/conflicts/${encodeURIComponent(id)}/resolution`,
      body: { resolution: action },
      targetText: texts.t('console.act.target.conflict', { id, account: preview.account }),
      changes: preview.changes,
      unchanged: [],
      notes,
      back: consoleReturnPath(q.back ?? '/regulator/conflicts'),
    };
  }
  throw new ValidationError('Unknown action or target', { errors: [{ pointer: '/action' }] });
}

export function consoleRoutes() {
  const app = new Hono<AppEnv>();

  // Refusals inside the console are pages in the console; server faults go to the app's handler.
  app.onError((error, c) => {
    if (error instanceof ProblemError && error.status < 500) return consoleProblemPage(c, error.toProblem());
    throw error;
  });

  app.get('/sign-in', (c) => {
    const texts = textsOf(c);
    const url = new URL(c.req.url);
    const next = consoleReturnPath(c.req.query('next'));
    c.header('cache-control', 'no-store');
    return c.html(
      <Layout
        locale={texts.locale}
        url={`${url.pathname}${url.search}`}
        title={texts.t('console.signIn.title')}
        scripts={['console']}
        styles={['console']}
        messages={['console.']}
      >
        <h1>{texts.t('console.signIn.title')}</h1>
        <p>{texts.t('console.signIn.lead')}</p>
        <button type="button" id="console-sign-in" data-next={next}>
          {texts.t('console.signIn.passkey')}
        </button>
        <p class="feedback" id="console-sign-in-feedback" hidden />
        <h2>{texts.t('console.signIn.firstTime')}</h2>
        <p>{texts.t('console.signIn.firstTimeBody')}</p>
        <p>
          <a href="/">{texts.t('console.signIn.toHome')}</a>
        </p>
      </Layout>,
    );
  });

  app.use('*', requireOfficerPage());
  app.route('/case', caseRoutes());
  // Pages that show a person's data are lookups: each needs the officer's open case.
  for (const path of ['/search', '/identities/*', '/accounts/*', '/bindings/*', '/act', '/approvals']) {
    app.use(path, requireOpenCase());
  }

  app.get('/', (c) => searchPage(c));

  app.post('/search', async (c) => {
    const services = c.get('deps').services;
    const form = await c.req.parseBody();
    const query = typeof form.q === 'string' ? form.q.trim() : '';
    const texts = textsOf(c);
    if (!query || query.length > 200) {
      return searchPage(c, { message: texts.t('console.search.empty'), status: 400 });
    }
    try {
      if (/^\d+$/.test(query)) {
        const found = await lookupByNationalId(services, c.get('regulator')!, query);
        return await identityPage(c, found);
      }
      if (query.includes(':')) return c.redirect(`/regulator/accounts/${encodeURIComponent(query)}`, 303);
      return c.redirect(`/regulator/bindings/${encodeURIComponent(query)}`, 303);
    } catch (error) {
      if (error instanceof ProblemError && error.status < 500) {
        // The national ID is not echoed back into the page's form.
        return searchPage(c, { message: refusalText(c, error), status: error.status });
      }
      throw error;
    }
  });

  app.get('/identities/:id', async (c) =>
    identityPage(c, await lookupByIdentity(c.get('deps').services, c.get('regulator')!, c.req.param('id'))),
  );

  app.get('/accounts/:account', async (c) => {
    const texts = textsOf(c);
    const found = await lookupByAccount(c.get('deps').services, c.get('regulator')!, c.req.param('account'));
    const back = `/regulator/accounts/${encodeURIComponent(found.account)}`;
    return c.html(
      <ConsoleFrame c={c} title={texts.t('console.account.title')} section="search">
        <h1>{texts.t('console.account.title')}</h1>
        <p class="account-id">{found.account}</p>
        {found.identities.length === 0 && <p>{texts.t('console.account.unbound')}</p>}
        <LinkedIdentities texts={texts} identities={found.identities} back={back} />
        <h2>{texts.t('console.bindings.title')}</h2>
        <BindingsTable texts={texts} bindings={found.bindings} back={back} />
      </ConsoleFrame>,
    );
  });

  app.get('/bindings/:id', async (c) => {
    const texts = textsOf(c);
    const found = await lookupByBinding(c.get('deps').services, c.get('regulator')!, c.req.param('id'));
    const back = `/regulator/bindings/${encodeURIComponent(found.binding.id)}`;
    const history = await auditHistory(c.get('deps').services, [
      found.binding.id,
      ...found.binding.attestations.map((a) => a.id),
    ]);
    return c.html(
      <ConsoleFrame c={c} title={texts.t('console.binding.title')} section="search">
        <h1>{texts.t('console.binding.title')}</h1>
        <BindingsTable texts={texts} bindings={[found.binding]} back={back} level={2} />
        <LinkedIdentities texts={texts} identities={found.identities} back={back} />
        <HistoryTable texts={texts} entries={history} />
      </ConsoleFrame>,
    );
  });

  app.get('/act', async (c) => {
    const texts = textsOf(c);
    const plan = await planAction(c, c.req.query());
    return c.html(
      <ConsoleFrame c={c} title={texts.t(`console.action.${plan.action}` as 'console.action.suspend')}>
        <ActionPage texts={texts} plan={plan} />
      </ConsoleFrame>,
    );
  });

  app.get('/conflicts', async (c) => {
    const texts = textsOf(c);
    const status = c.req.query('status') ?? 'open';
    if (!['open', 'resolved', 'dismissed'].includes(status)) {
      throw new ValidationError('status must be open, resolved or dismissed', {
        errors: [{ pointer: '/status' }],
      });
    }
    const conflicts = await listConflicts(c.get('deps').services, status);
    return c.html(
      <ConsoleFrame c={c} title={texts.t('console.conflicts.title')} section="conflicts">
        <h1>{texts.t('console.conflicts.title')}</h1>
        <p>{texts.t('console.conflicts.lead')}</p>
        <FilterNav
          label={texts.t('console.conflicts.filter')}
          links={(['open', 'resolved', 'dismissed'] as const).map((s) => ({
            href: `/regulator/conflicts?status=${s}`,
            label: texts.t(`console.conflicts.${s}`),
            current: s === status,
          }))}
        />
        {conflicts.length === 0 ? (
          <p id="conflicts-none">{texts.t('console.conflicts.none')}</p>
        ) : (
          <ul class="console-bindings" id="console-conflicts">
            {conflicts.map((conflict) => (
              <li data-conflict-id={conflict.id} data-status={conflict.status}>
                <h2 class="account-id">{conflict.account}</h2>
                <dl class="facts">
                  <dt>{texts.t('console.conflicts.reported')}</dt>
                  <dd>{texts.when(conflict.createdAt)}</dd>
                  <dt>{texts.t('console.conflicts.holder')}</dt>
                  <dd>
                    <a href={`/regulator/bindings/${encodeURIComponent(conflict.existingBindingId)}`}>
                      {texts.t('console.conflicts.holderLink')}
                    </a>
                  </dd>
                  <dt>{texts.t('console.conflicts.claimant')}</dt>
                  <dd>
                    <a href={`/regulator/identities/${encodeURIComponent(conflict.claimantIdentityId)}`}>
                      {texts.t('console.conflicts.claimantLink')}
                    </a>
                  </dd>
                  {conflict.resolvedAt && (
                    <>
                      <dt>{texts.t('console.conflicts.closed')}</dt>
                      <dd>
                        {texts.when(conflict.resolvedAt)} ·{' '}
                        {texts.named('console.action.', conflict.resolution ?? '')}
                      </dd>
                    </>
                  )}
                </dl>
                {conflict.status === 'open' && (
                  <ul class="console-actions">
                    {(['revoke_existing', 'dismiss'] as const).map((resolution) => (
                      <li>
                        <a
                          class={`button action-${resolution}`}
                          data-action={resolution}
                          href={`/regulator/act?${new URLSearchParams({ action: resolution, target: 'conflict', id: conflict.id, back: '/regulator/conflicts' })}`}
                        >
                          {texts.t(`console.action.${resolution}`)}
                        </a>
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        )}
      </ConsoleFrame>,
    );
  });

  app.get('/approvals', async (c) => {
    const texts = textsOf(c);
    const services = c.get('deps').services;
    return c.html(
      <ConsoleFrame c={c} title={texts.t('console.approvals.title')} section="approvals">
        <h1>{texts.t('console.approvals.title')}</h1>
        <p>{texts.t('console.approvals.lead')}</p>
        <ApprovalsList
          texts={texts}
          pending={await listPendingActions(services)}
          officerId={c.get('session')!.identityId}
        />
      </ConsoleFrame>,
    );
  });

  app.get('/query-log', async (c) => {
    const texts = textsOf(c);
    const q = c.req.query();
    const from = dayParam(q.from, 'from', false);
    const to = dayParam(q.to, 'to', true);
    if ((q.account ?? '').length > 200 || (q.client ?? '').length > 100) {
      throw new ValidationError('account or client is too long', { errors: [{ pointer: '/account' }] });
    }
    const filter = {
      ...(q.account ? { account: q.account.trim() } : {}),
      ...(q.client ? { clientId: q.client.trim() } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    };
    const queries = await searchExchangeQueries(c.get('deps').services, { ...filter, limit: 500 });
    const csv = new URLSearchParams({
      format: 'csv',
      ...(filter.account ? { account: filter.account } : {}),
      ...(filter.clientId ? { client: filter.clientId } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    });
    return c.html(
      <ConsoleFrame c={c} title={texts.t('console.queries.title')} section="queries">
        <h1>{texts.t('console.queries.title')}</h1>
        <form method="get" action="/regulator/query-log" class="console-filters-form" id="query-filters">
          <label for="q-account">{texts.t('console.queries.account')}</label>
          <input id="q-account" name="account" value={q.account ?? ''} maxlength={200} />
          <label for="q-client">{texts.t('console.queries.client')}</label>
          <input id="q-client" name="client" value={q.client ?? ''} maxlength={100} />
          <label for="q-from">{texts.t('console.queries.from')}</label>
          <input id="q-from" name="from" type="date" value={q.from ?? ''} />
          <label for="q-to">{texts.t('console.queries.to')}</label>
          <input id="q-to" name="to" type="date" value={q.to ?? ''} />
          <button type="submit">{texts.t('console.queries.apply')}</button>
        </form>
        <p>
          <a
            class="button"
            id="query-log-csv"
            href={`/v1/regulator/query-log?${csv}`}
            download="exchange-queries.csv"
          >
            {texts.t('console.queries.csv')}
          </a>
        </p>
        {queries.length === 0 ? (
          <p id="queries-none">{texts.t('console.queries.none')}</p>
        ) : (
          <ConsoleTable
            id="query-log-table"
            caption={texts.t('console.queries.caption', { count: queries.length })}
            texts={texts}
            columns={[
              'console.queries.when',
              'console.queries.client',
              'console.queries.kind',
              'console.queries.account',
              'console.queries.result',
            ]}
          >
            {queries.map((row) => (
              <tr>
                <td>{texts.when(row.at)}</td>
                <td>
                  <code>{row.clientId}</code>
                </td>
                <td>{row.kind}</td>
                <td>
                  <span class="account-id">{row.account}</span>
                </td>
                <td>{texts.named('console.status.', row.result)}</td>
              </tr>
            ))}
          </ConsoleTable>
        )}
      </ConsoleFrame>,
    );
  });

  app.get('/audit', async (c) => {
    const texts = textsOf(c);
    const services = c.get('deps').services;
    const raw = c.req.query('afterSeq');
    if (raw !== undefined && !/^\d{1,15}$/.test(raw)) {
      throw new ValidationError('afterSeq must be a non-negative integer', {
        errors: [{ pointer: '/afterSeq' }],
      });
    }
    const checkpoint = await currentCheckpoint(services);
    const pageSize = 100;
    // Newest first by default: the page starts at the tail of the log.
    const afterSeq = raw !== undefined ? Number(raw) : Math.max(0, checkpoint.treeSize - pageSize);
    const entries = await readAuditLog(services, { afterSeq, limit: pageSize });
    return c.html(
      <ConsoleFrame c={c} title={texts.t('console.audit.title')} section="audit">
        <h1>{texts.t('console.audit.title')}</h1>
        <section id="audit-checkpoint" data-tree-size={checkpoint.treeSize}>
          <h2>{texts.t('console.audit.checkpoint')}</h2>
          <dl class="facts">
            <dt>{texts.t('console.audit.treeSize')}</dt>
            <dd>{texts.t('console.audit.entries', { count: checkpoint.treeSize })}</dd>
            <dt>{texts.t('console.audit.rootHash')}</dt>
            <dd>
              <code class="hash">{checkpoint.rootHash}</code>
            </dd>
            <dt>{texts.t('console.audit.signedAt')}</dt>
            <dd>{texts.when(checkpoint.issuedAt)}</dd>
          </dl>
          <p>{texts.t('console.audit.checkpointHint')}</p>
        </section>
        <FilterNav
          label={texts.t('console.audit.pages')}
          links={[
            ...(afterSeq > 0
              ? [
                  {
                    href: `/regulator/audit?afterSeq=${Math.max(0, afterSeq - pageSize)}`,
                    label: texts.t('console.audit.older'),
                  },
                ]
              : []),
            ...(afterSeq + pageSize < checkpoint.treeSize
              ? [
                  {
                    href: `/regulator/audit?afterSeq=${afterSeq + pageSize}`,
                    label: texts.t('console.audit.newer'),
                  },
                ]
              : []),
          ]}
        />
        <ConsoleTable
          id="audit-table"
          caption={texts.t('console.audit.caption')}
          texts={texts}
          columns={[
            'console.history.entry',
            'console.history.when',
            'console.history.what',
            'console.history.who',
            'console.history.details',
          ]}
        >
          {[...entries].reverse().map((entry) => (
            <tr data-seq={entry.seq}>
              <td>
                <a href={`/regulator/audit/${entry.seq}`}>{`#${entry.seq}`}</a>
              </td>
              <td>{texts.when(entry.at)}</td>
              <td>{texts.named('console.event.', entry.action)}</td>
              <td>{texts.named('console.actor.', entry.actorType)}</td>
              <td>{describeDetails(texts, entry.details)}</td>
            </tr>
          ))}
        </ConsoleTable>
      </ConsoleFrame>,
    );
  });

  app.get('/audit/:seq', async (c) => {
    const texts = textsOf(c);
    const services = c.get('deps').services;
    const proof = await inclusion(
      services,
      { kind: 'regulator' },
      c.req.param('seq'),
      c.req.query('treeSize'),
    );
    const verified = await verifyInclusion(
      proof.leafHash,
      proof.leafIndex,
      proof.treeSize,
      proof.proof,
      proof.rootHash,
    );
    const entry = proof.entry;
    return c.html(
      <ConsoleFrame c={c} title={texts.t('console.proof.title', { seq: entry.seq })} section="audit">
        <h1>{texts.t('console.proof.title', { seq: entry.seq })}</h1>
        <dl class="facts" id="audit-entry">
          <dt>{texts.t('console.history.when')}</dt>
          <dd>{texts.when(entry.at)}</dd>
          <dt>{texts.t('console.history.what')}</dt>
          <dd>
            {texts.named('console.event.', entry.action)} (<code>{entry.action}</code>)
          </dd>
          <dt>{texts.t('console.history.who')}</dt>
          <dd>
            {texts.named('console.actor.', entry.actorType)} {entry.actorId && <code>{entry.actorId}</code>}
          </dd>
          <dt>{texts.t('console.proof.subject')}</dt>
          <dd>
            {entry.subjectType} {entry.subjectId && <code>{entry.subjectId}</code>}
          </dd>
          <dt>{texts.t('console.history.details')}</dt>
          <dd>{describeDetails(texts, entry.details) || '—'}</dd>
          <dt>{texts.t('console.proof.entryHash')}</dt>
          <dd>
            <code class="hash">{entry.hash}</code>
          </dd>
        </dl>
        <section id="inclusion-proof" data-verified={verified ? 'true' : 'false'}>
          <h2>{texts.t('console.proof.inclusion')}</h2>
          <p class="feedback" role="status" data-kind={verified ? 'success' : 'error'}>
            {texts.t(verified ? 'console.proof.verified' : 'console.proof.notVerified', {
              size: proof.treeSize,
            })}
          </p>
          <dl class="facts">
            <dt>{texts.t('console.proof.leafHash')}</dt>
            <dd>
              <code class="hash">{proof.leafHash}</code>
            </dd>
            <dt>{texts.t('console.audit.treeSize')}</dt>
            <dd>{texts.t('console.audit.entries', { count: proof.treeSize })}</dd>
            <dt>{texts.t('console.audit.rootHash')}</dt>
            <dd>
              <code class="hash">{proof.rootHash}</code>
            </dd>
          </dl>
          <h3>{texts.t('console.proof.path', { count: proof.proof.length })}</h3>
          <ol class="proof-path">
            {proof.proof.map((hash) => (
              <li>
                <code class="hash">{hash}</code>
              </li>
            ))}
          </ol>
          <p>
            <a href={`/v1/audit/entries/${entry.seq}/proof?treeSize=${proof.treeSize}`}>
              {texts.t('console.proof.json')}
            </a>
          </p>
        </section>
      </ConsoleFrame>,
    );
  });

  app.get('/dashboard', async (c) => {
    const texts = textsOf(c);
    const raw = c.req.query('days') ?? '30';
    if (!/^\d{1,3}$/.test(raw) || Number(raw) < 7 || Number(raw) > DASHBOARD_MAX_DAYS) {
      throw new ValidationError(`days must be from 7 to ${DASHBOARD_MAX_DAYS}`, {
        errors: [{ pointer: '/days' }],
      });
    }
    const days = await dailyActivity(c.get('deps').services, Number(raw));
    return c.html(
      <ConsoleFrame c={c} title={texts.t('console.dashboard.title')} section="dashboard">
        <h1>{texts.t('console.dashboard.title')}</h1>
        <FilterNav
          label={texts.t('console.dashboard.range')}
          links={[7, 30, 90, 365].map((n) => ({
            href: `/regulator/dashboard?days=${n}`,
            label: texts.t('console.dashboard.lastDays', { count: n }),
            current: String(n) === raw,
          }))}
        />
        <p>{texts.t('console.dashboard.lead')}</p>
        <ActivityChart texts={texts} days={days} />
        <ActivityTable texts={texts} days={days} />
      </ConsoleFrame>,
    );
  });

  return app;
}

// Regulator routes (SPEC "Regulator"): lookups, actions, conflicts, query logs, audit.
import { Hono } from 'hono';
import { ValidationError } from '../../domain/errors.js';
import { parseCaseReference } from '../../domain/regulator/accessPurpose.js';
import type { ConfidentialityRequest } from '../../domain/regulator/disclosure.js';
import { caseConfidentiality, setCaseConfidentiality } from '../../services/disclosure.js';
import {
  approvePendingAction,
  listPendingActions,
  needsApproval,
  pendingActionById,
  requestApproval,
} from '../../services/fourEyes.js';
import {
  type ActionRequest,
  applyRegulatorAction,
  grantRegulatorRole,
  identityByNationalId,
  liftLinkBlock,
  listConflicts,
  lookupByAccount,
  lookupByBinding,
  lookupByNationalId,
  type ReasonCode,
  readAuditLog,
  resolveConflict,
  searchExchangeQueries,
} from '../../services/regulator.js';
import type { AppEnv } from '../env.js';
import { readJsonBody } from '../json.js';
import { requireRegulator } from '../middleware/regulator.js';

const read = requireRegulator('regulator:read');
// Lookups and actions: each states its purpose and case (RouteContract.purposeBound).
const lookUp = requireRegulator('regulator:read', { purposeBound: true });
const act = requireRegulator('regulator:act', { purposeBound: true });

function limitParam(raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > max) {
    throw new ValidationError(`limit must be an integer from 1 to ${max}`, {
      errors: [{ pointer: '/limit' }],
    });
  }
  return value;
}

function timeParam(raw: string | undefined, name: string): string | undefined {
  if (raw === undefined) return undefined;
  const time = Date.parse(raw);
  if (Number.isNaN(time))
    throw new ValidationError(`${name} must be an ISO 8601 time`, { errors: [{ pointer: `/${name}` }] });
  return new Date(time).toISOString();
}

function csvField(value: string): string {
  // Quote everything; double inner quotes; neutralise spreadsheet formulas.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replaceAll('"', '""')}"`;
}

export function regulatorRoutes() {
  const app = new Hono<AppEnv>();

  app.post('/lookups', lookUp, async (c) => {
    const { nationalId } = await readJsonBody<{ nationalId: string }>(
      c,
      'regulator-national-id-lookup-request',
    );
    return c.json(await lookupByNationalId(c.get('deps').services, c.get('regulator')!, nationalId));
  });

  app.get('/accounts/:account', lookUp, async (c) =>
    c.json(await lookupByAccount(c.get('deps').services, c.get('regulator')!, c.req.param('account'))),
  );

  app.get('/bindings/:id', lookUp, async (c) =>
    c.json(await lookupByBinding(c.get('deps').services, c.get('regulator')!, c.req.param('id'))),
  );

  for (const [path, action] of [
    ['/revocations', 'revoke'],
    ['/suspensions', 'suspend'],
    ['/reinstatements', 'reinstate'],
  ] as const) {
    app.post(path, act, async (c) => {
      const body = await readJsonBody<ActionRequest>(c, 'regulator-action-request');
      const { services } = c.get('deps');
      // Revoking an identity waits for a second officer where four eyes are on (202).
      if (
        action === 'revoke' &&
        'identity' in body.target &&
        needsApproval(services, 'identity_revocation')
      ) {
        const pending = await requestApproval(services, c.get('regulator')!, 'identity_revocation', {
          identity: body.target.identity,
          reason: body.reason,
          legalReference: body.legalReference,
        });
        return c.json({ pending }, 202);
      }
      return c.json(await applyRegulatorAction(services, c.get('regulator')!, action, body));
    });
  }

  app.post('/link-block-lifts', act, async (c) => {
    const body = await readJsonBody<{ identity: string; reason: ReasonCode; legalReference: string }>(
      c,
      'regulator-link-block-lift-request',
    );
    const { services } = c.get('deps');
    if (needsApproval(services, 'link_block_lift')) {
      return c.json(
        { pending: await requestApproval(services, c.get('regulator')!, 'link_block_lift', body) },
        202,
      );
    }
    return c.json(await liftLinkBlock(services, c.get('regulator')!, body));
  });

  // An officer (or regulator system) gives the regulator role to a verified person; with
  // four eyes on, a second officer approves it first (202).
  app.post('/role-grants', act, async (c) => {
    const { nationalId } = await readJsonBody<{ nationalId: string }>(c, 'regulator-role-grant-request');
    const { services } = c.get('deps');
    const identity = await identityByNationalId(services, nationalId);
    if (needsApproval(services, 'regulator_grant')) {
      return c.json(
        { pending: await requestApproval(services, c.get('regulator')!, 'regulator_grant', { identity }) },
        202,
      );
    }
    return c.json(await grantRegulatorRole(services, c.get('regulator')!, identity));
  });

  app.get('/pending-actions', read, async (c) =>
    c.json({ pending: await listPendingActions(c.get('deps').services) }),
  );

  app.get('/pending-actions/:id', read, async (c) =>
    c.json({ pending: await pendingActionById(c.get('deps').services, c.req.param('id')) }),
  );

  app.post('/pending-actions/:id/approval', act, async (c) =>
    c.json(await approvePendingAction(c.get('deps').services, c.get('regulator')!, c.req.param('id'))),
  );

  app.post('/confidential-cases', act, async (c) => {
    const body = await readJsonBody<ConfidentialityRequest>(c, 'confidential-case-request');
    const result = await setCaseConfidentiality(c.get('deps').services, c.get('regulator')!, body);
    return c.json({ ...result, confidential: true });
  });

  app.get('/confidential-cases', read, async (c) => {
    const reference = parseCaseReference(c.req.query('reference'));
    return c.json(await caseConfidentiality(c.get('deps').services, reference));
  });

  app.get('/conflicts', read, async (c) => {
    const status = c.req.query('status');
    if (status !== undefined && !['open', 'resolved', 'dismissed'].includes(status)) {
      throw new ValidationError('status must be open, resolved or dismissed', {
        errors: [{ pointer: '/status' }],
      });
    }
    return c.json({ conflicts: await listConflicts(c.get('deps').services, status) });
  });

  app.post('/conflicts/:id/resolution', act, async (c) => {
    const body = await readJsonBody<{
      resolution: 'revoke_existing' | 'dismiss';
      reason: ReasonCode;
      legalReference: string;
    }>(c, 'conflict-resolution-request');
    return c.json(
      await resolveConflict(c.get('deps').services, c.get('regulator')!, c.req.param('id'), body),
    );
  });

  // Exchange queries by account, client and time range; ?format=csv for a spreadsheet.
  app.get('/query-log', read, async (c) => {
    const q = c.req.query();
    const queries = await searchExchangeQueries(c.get('deps').services, {
      ...(q.account ? { account: q.account } : {}),
      ...(q.client ? { clientId: q.client } : {}),
      ...(timeParam(q.from, 'from') ? { from: timeParam(q.from, 'from')! } : {}),
      ...(timeParam(q.to, 'to') ? { to: timeParam(q.to, 'to')! } : {}),
      limit: limitParam(q.limit, 1000, 100_000),
    });
    const format = q.format ?? 'json';
    if (format === 'csv') {
      const lines = [
        'at,client_id,kind,account,result',
        ...queries.map((row) =>
          [row.at, row.clientId, row.kind, row.account, row.result].map(csvField).join(','),
        ),
      ];
      c.header('content-type', 'text/csv; charset=utf-8');
      c.header('content-disposition', 'attachment; filename="exchange-queries.csv"');
      return c.body(`${lines.join('\r\n')}\r\n`);
    }
    if (format !== 'json')
      throw new ValidationError('format must be json or csv', { errors: [{ pointer: '/format' }] });
    return c.json({ queries });
  });

  app.get('/audit', read, async (c) => {
    const after = c.req.query('afterSeq');
    if (after !== undefined && !/^\d+$/.test(after)) {
      throw new ValidationError('afterSeq must be a non-negative integer', {
        errors: [{ pointer: '/afterSeq' }],
      });
    }
    const entries = await readAuditLog(c.get('deps').services, {
      ...(after !== undefined ? { afterSeq: Number(after) } : {}),
      limit: limitParam(c.req.query('limit'), 1000, 10_000),
    });
    return c.json({ entries });
  });

  return app;
}

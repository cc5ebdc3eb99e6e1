// The purpose and case of a regulator access, as a request carries it. A regulator system
// sends them in the Access-Purpose and Case-Reference headers of each request; an officer
// in the console opens a case once (purpose and reference, kept in a cookie for the
// working day) and every console page and action of that browser carries it, until the
// officer changes it or signs out. Headers, when present, take precedence.
import type { Context } from 'hono';
import { type AccessContext, parseAccessContext } from '../domain/regulator/accessPurpose.js';
import { ACCESS_PURPOSE_HEADER, CASE_REFERENCE_HEADER } from './contract.js';
import { clearCookie, readCookie, setCookieValue } from './cookies.js';
import type { AppEnv } from './env.js';

const OPEN_CASE_SECONDS = 12 * 3600;
const HEADERS = { purpose: ACCESS_PURPOSE_HEADER, caseReference: CASE_REFERENCE_HEADER };

/**
 * The access context the request states, checked, or undefined when it states none (the
 * service refuses a lookup or action without one). A wrong value is refused at once.
 */
export function statedAccess(
  c: Context<AppEnv>,
  from: 'headers' | 'headers-or-open-case',
): AccessContext | undefined {
  const purpose = c.req.header(ACCESS_PURPOSE_HEADER);
  const caseReference = c.req.header(CASE_REFERENCE_HEADER);
  if (purpose !== undefined || caseReference !== undefined) {
    return parseAccessContext({ purpose, caseReference }, HEADERS);
  }
  return from === 'headers-or-open-case' ? openCase(c) : undefined;
}

/** Refuses a request that states no purpose and case, naming both headers. */
export function requireStatedAccess(): never {
  parseAccessContext({}, HEADERS);
  throw new Error('unreachable: an empty access context is always refused');
}

/** The officer's open case, if the browser holds a valid one. */
export function openCase(c: Context<AppEnv>): AccessContext | undefined {
  const raw = readCookie(c, c.get('cookies').openCase);
  if (!raw) return undefined;
  const [purpose, ...rest] = raw.split('|');
  try {
    return parseAccessContext({ purpose, caseReference: rest.join('|') }, HEADERS);
  } catch {
    return undefined; // A cookie from an older list of purposes: the officer opens the case again.
  }
}

export function rememberOpenCase(c: Context<AppEnv>, access: AccessContext): void {
  const policy = c.get('cookies');
  setCookieValue(c, policy, policy.openCase, `${access.purpose}|${access.caseReference}`, OPEN_CASE_SECONDS);
}

export function forgetOpenCase(c: Context<AppEnv>): void {
  clearCookie(c, c.get('cookies'), c.get('cookies').openCase);
}

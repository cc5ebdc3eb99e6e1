import type { Context } from 'hono';
import { newToken } from '../crypto/tokens.js';
import { readCookie, setCookieValue } from './cookies.js';
import type { AppEnv } from './env.js';

const FLOW_COOKIE_SECONDS = 30 * 60;

/**
 * The pre-sign-in flow cookie binds challenges (OIDC state, x509, passkey sign-in) to the
 * browser that asked for them, so a challenge leaked to another browser is useless there.
 */
export function ensureFlow(c: Context<AppEnv>): string {
  const cookies = c.get('cookies');
  const existing = readCookie(c, cookies.flow);
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const flow = newToken(32);
  setCookieValue(c, cookies, cookies.flow, flow, FLOW_COOKIE_SECONDS);
  return flow;
}

/** Existing flow only: a verify step without the cookie of its start step cannot succeed. */
export function currentFlow(c: Context<AppEnv>): string {
  return readCookie(c, c.get('cookies').flow) ?? 'no-flow-cookie';
}

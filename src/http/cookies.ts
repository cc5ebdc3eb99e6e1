// Cookie names and attributes. `__Host-` cookies must be Secure, which browsers accept on
// https and on http://localhost; for a plain-http non-localhost PUBLIC_URL (a LAN test
// set-up) the prefix and Secure are dropped rather than sending a cookie browsers reject.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Config } from '../config/config.js';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface CookiePolicy {
  session: string;
  flow: string;
  /** The regulator console's open case: its purpose and reference (http/officerCase.ts). */
  openCase: string;
  secure: boolean;
}

export function cookiePolicy(config: Config): CookiePolicy {
  const secure = config.origin.startsWith('https://') || LOCAL_HOSTS.has(config.rpId);
  const prefix = secure ? '__Host-' : '';
  return { session: `${prefix}wa_session`, flow: `${prefix}wa_flow`, openCase: `${prefix}wa_case`, secure };
}

function attributes(policy: CookiePolicy, maxAge: number) {
  return { path: '/', httpOnly: true, secure: policy.secure, sameSite: 'Lax', maxAge } as const;
}

export function setCookieValue(
  c: Context,
  policy: CookiePolicy,
  name: string,
  value: string,
  maxAge: number,
) {
  setCookie(c, name, value, attributes(policy, maxAge));
}

export function clearCookie(c: Context, policy: CookiePolicy, name: string) {
  deleteCookie(c, name, { path: '/', secure: policy.secure });
}

export function readCookie(c: Context, name: string): string | undefined {
  return getCookie(c, name);
}

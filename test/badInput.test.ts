// Bad input of every kind, at every route in the contract, with credentials that pass
// the access check: the answer is always a 4xx problem (or a success), never a 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken, newToken } from '../src/crypto/tokens.js';
import { ROUTES } from '../src/http/contract.js';
import { createApiClient } from '../src/services/apiClients.js';
import { setRegulatorRole } from '../src/services/regulator.js';
import { openCaseIn } from './helpers/regulatorAccess.js';
import { startTestServer, type TestBrowser, type TestServer } from './helpers/server.js';
import { signedInCitizens } from './http/walletFlow.js';

let server: TestServer;
let officer: TestBrowser;
let key: string;

const OPERATOR_TOKEN = newToken(32);

beforeAll(async () => {
  server = await startTestServer({ OPERATOR_TOKEN_SHA256: await hashToken(OPERATOR_TOKEN) });
  const [o] = await signedInCitizens(server, 1);
  officer = o!.browser;
  await setRegulatorRole(server.assembled.services, o!.nationalId, true);
  // With an open case, so that what is refused is the bad input, not the missing purpose.
  openCaseIn(server, officer);
  key = (
    await createApiClient(server.assembled.services, {
      name: 'fuzz',
      licenseNo: 'F',
      scopes: ['attestations:read', 'identity:match', 'webhooks:manage'],
      rate: { perSecond: 100_000, burst: 100_000 },
    })
  ).key;
});
afterAll(() => server.close());

const PATH_VALUES = [
  'x',
  '%ZZ',
  '%00',
  '..%2f..%2fetc',
  `eip155:1:0x${'f'.repeat(40)}`,
  '9'.repeat(40),
  '-1',
  'a'.repeat(300),
];
const BODIES: (string | undefined)[] = [
  undefined,
  '',
  'null',
  '[]',
  '"text"',
  '{"a":',
  '{}',
  '{"account":null,"accounts":{},"message":1,"signature":[],"nationalId":{},"target":"x","url":5}',
  `{"accounts":["${'x'.repeat(300)}"],"account":"eip155:99999999999999999999:0x1"}`,
  '{"target":{"account":"eip155:1:0x000000000000000000000000000000000000dEaD"},"reason":"fraud","legalReference":"' +
    'L'.repeat(600) +
    '"}',
  JSON.stringify({ message: 'Nonce: abc\n'.repeat(50), signature: `0x${'00'.repeat(65)}` }),
  JSON.stringify({
    account: 'eip155:1:0x000000000000000000000000000000000000dEaD',
    txHash: `0x${'ab'.repeat(32)}`,
  }),
  '{"__proto__":{"polluted":true},"constructor":{"prototype":{}}}',
  '{"account":"eip155:1:0x000000000000000000000000000000000000dEaD\\u0000","url":"https://x.example/\\u0000","description":"a\\u0000b","nationalId":"\\u0000"}',
];

async function credentialsFor(
  access: string,
): Promise<{ browser: TestBrowser; headers: Record<string, string> }> {
  if (access === 'operator') {
    return { browser: server.browser(), headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } };
  }
  if (access === 'api-key') return { browser: server.browser(), headers: { authorization: `Bearer ${key}` } };
  if (access === 'regulator' || access === 'regulator-or-subject') return { browser: officer, headers: {} };
  // A session of its own per route: logout must not leave the next routes without one.
  return { browser: (await signedInCitizens(server, 1))[0]!.browser, headers: {} };
}

describe('bad input never causes a 5xx', () => {
  it.each(ROUTES.map((route) => [route.method, route.path, route] as const))(
    '%s %s',
    async (method, path, route) => {
      const { browser, headers } = await credentialsFor(route.access);
      const statuses = new Set<number>();
      for (const value of PATH_VALUES) {
        const concrete = path.replace(/:[A-Za-z]+/g, value);
        for (const body of method === 'GET' || method === 'DELETE' ? [undefined] : BODIES) {
          for (const query of [
            '',
            '?limit=abc&afterSeq=-5&first=x&second=0&treeSize=1e9&format=%00&status=%FF&from=never',
          ]) {
            const response = await browser.request(method, `${concrete}${query}`, {
              headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
              ...(body !== undefined ? { body } : {}),
            });
            statuses.add(response.status);
            expect(response.status, `${method} ${concrete}${query} ${body?.slice(0, 60)}`).toBeLessThan(500);
            if (response.status >= 400 && response.status !== 404) {
              expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
            }
            await response.body?.cancel();
          }
        }
      }
      expect(statuses.size).toBeGreaterThan(0);
      expect(Object.prototype).not.toHaveProperty('polluted');
    },
  );
});

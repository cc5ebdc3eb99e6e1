// Problem documents answer in the request's language over real HTTP: chosen by the
// `lang` cookie, else Accept-Language with its q-values, else English, and named in
// Content-Language. Kazakh and Russian carry the catalogue's title and explanation;
// English keeps the service's specific detail. The same holds for the per-item problems
// of a batch lookup and for the dev IdP, which is mounted without the app's middleware.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_BASE } from '../../src/domain/errors.js';
import { t } from '../../src/i18n/catalogue.js';
import { LOCALES, type Locale } from '../../src/i18n/locale.js';
import { api, apiClient } from '../exchange/exchangeFlow.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let reader: { key: string };

beforeAll(async () => {
  server = await startTestServer({ BODY_LIMIT_BYTES: '4096' });
  reader = await apiClient(server, ['attestations:read']);
});
afterAll(() => server.close());

const UNBOUND = 'eip155:1:0x000000000000000000000000000000000000dEaD';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
}

/** A refusal every client can provoke: a lookup with an unknown API key. */
function lookupWithUnknownKey(headers: Record<string, string>) {
  return fetch(`${server.baseUrl}/v1/attestations/${UNBOUND}`, {
    headers: { authorization: 'Bearer wa_unknown_key', ...headers },
  });
}

async function problemOf(response: Response, status: number): Promise<Problem> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await response.json()) as Problem;
}

function expectInLanguage(problem: Problem, slug: string, locale: Locale) {
  expect(problem.type).toBe(`${PROBLEM_BASE}${slug}`);
  expect(problem.title).toBe(t(locale, `problem.${slug}.title` as Parameters<typeof t>[1]));
  if (locale === 'en') {
    // The API's reference language keeps what the service said about this very request.
    expect(problem.detail).not.toBe(t('en', `problem.${slug}.detail` as Parameters<typeof t>[1]));
  } else {
    expect(problem.detail).toBe(t(locale, `problem.${slug}.detail` as Parameters<typeof t>[1]));
  }
}

describe('problem documents in the request language', () => {
  it.each(LOCALES)('answers in %s when Accept-Language asks for it', async (locale) => {
    const response = await lookupWithUnknownKey({ 'accept-language': locale });
    expect(response.headers.get('content-language')).toBe(locale);
    const problem = await problemOf(response, 401);
    expectInLanguage(problem, 'invalid-api-key', locale);
    expect(problem.status).toBe(401);
    expect(problem.instance).toBe(`/v1/attestations/${UNBOUND}`);
  });

  it.each(LOCALES)(
    'answers in %s when the lang cookie names it, whatever Accept-Language says',
    async (locale) => {
      const other = LOCALES.find((candidate) => candidate !== locale)!;
      const response = await lookupWithUnknownKey({ cookie: `lang=${locale}`, 'accept-language': other });
      expect(response.headers.get('content-language')).toBe(locale);
      expectInLanguage(await problemOf(response, 401), 'invalid-api-key', locale);
    },
  );

  it('falls back to English for a language it does not speak, or none', async () => {
    const preferences: Record<string, string>[] = [
      { 'accept-language': 'de-DE, fr;q=0.9' },
      {},
      { cookie: 'lang=de' },
    ];
    for (const headers of preferences) {
      const response = await lookupWithUnknownKey(headers);
      expect(response.headers.get('content-language')).toBe('en');
      expectInLanguage(await problemOf(response, 401), 'invalid-api-key', 'en');
    }
  });

  it('honours q-values and regional tags', async () => {
    const kk = await lookupWithUnknownKey({ 'accept-language': 'en;q=0.2, ru-RU;q=0.5, kk-KZ;q=0.9' });
    expect(kk.headers.get('content-language')).toBe('kk');
    expectInLanguage(await problemOf(kk, 401), 'invalid-api-key', 'kk');
    const ru = await lookupWithUnknownKey({ 'accept-language': 'de, ru-KZ;q=0.8, kk;q=0' });
    expect(ru.headers.get('content-language')).toBe('ru');
    expectInLanguage(await problemOf(ru, 401), 'invalid-api-key', 'ru');
  });

  it('keeps the extensions of a problem in every language', async () => {
    // A validation problem points at the offending field; only title and detail change.
    const english = await problemOf(
      await api(server, reader.key).post('/v1/attestations/query', { accounts: [] }),
      422,
    );
    const russian = await problemOf(
      await api(server, reader.key).post(
        '/v1/attestations/query',
        { accounts: [] },
        { 'accept-language': 'ru' },
      ),
      422,
    );
    const { title: _t1, detail: _d1, ...englishRest } = english;
    const { title: _t2, detail: _d2, ...russianRest } = russian;
    expect(russianRest).toEqual(englishRest);
    expectInLanguage(russian, 'validation-failed', 'ru');
  });

  it('names its language on every kind of problem response', async () => {
    const base = server.baseUrl;
    const headers = { 'accept-language': 'kk' };
    const refusals: [string, Promise<Response>, number, string][] = [
      ['no route', fetch(`${base}/v1/nothing-here`, { headers }), 404, 'not-found'],
      [
        'a body over the limit',
        fetch(`${base}/v1/attestations/query`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json', authorization: `Bearer ${reader.key}` },
          body: JSON.stringify({ accounts: ['x'.repeat(8192)] }),
        }),
        413,
        'payload-too-large',
      ],
      [
        'a body that is not JSON',
        fetch(`${base}/v1/attestations/query`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'text/plain', authorization: `Bearer ${reader.key}` },
          body: 'accounts',
        }),
        415,
        'unsupported-media-type',
      ],
      ['no session', fetch(`${base}/v1/me`, { headers }), 401, 'authentication-required'],
    ];
    for (const [what, pending, status, slug] of refusals) {
      const response = await pending;
      expect(response.headers.get('content-language'), what).toBe('kk');
      expectInLanguage(await problemOf(response, status), slug, 'kk');
    }
  });

  it('keeps Retry-After in every language', async () => {
    const limited = await apiClient(server, ['attestations:read'], { perSecond: 1, burst: 1 });
    server.clock.freeze();
    try {
      const lookup = (locale: Locale) =>
        api(server, limited.key).get(`/v1/attestations/${UNBOUND}`, { 'accept-language': locale });
      expect((await lookup('en')).status).toBe(200);
      const english = await lookup('en');
      const kazakh = await lookup('kk');
      for (const [response, locale] of [
        [english, 'en'],
        [kazakh, 'kk'],
      ] as const) {
        expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(response.headers.get('content-language')).toBe(locale);
        expectInLanguage(await problemOf(response, 429), 'rate-limited', locale);
      }
    } finally {
      server.clock.thaw();
    }
  });
});

describe('batch lookups', () => {
  it.each(LOCALES)("words each malformed account's problem in %s", async (locale) => {
    const response = await api(server, reader.key).post(
      '/v1/attestations/query',
      {
        accounts: [
          'eip155:1:0xnope',
          UNBOUND,
          'cosmos:cosmoshub-4:cosmos1t2uflqwqe0fsj0shcfkrvpukewcw40yjj6hdc0',
        ],
      },
      { 'accept-language': locale },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-language')).toBe(locale);
    const { results } = (await response.json()) as {
      results: { account: string; status?: string; error?: Problem }[];
    };
    expect(results[0]).toMatchObject({ account: 'eip155:1:0xnope', error: { status: 422 } });
    expectInLanguage(results[0]!.error!, 'invalid-account', locale);
    expect(results[1]).toEqual({ account: UNBOUND, status: 'none' });
    expectInLanguage(results[2]!.error!, 'unsupported-namespace', locale);
  });

  it('follows the lang cookie too', async () => {
    const response = await api(server, reader.key).post(
      '/v1/attestations/query',
      { accounts: ['junk'] },
      { cookie: 'lang=kk', 'accept-language': 'ru' },
    );
    const { results } = (await response.json()) as { results: { error?: Problem }[] };
    expect(results[0]!.error!.title).toBe(t('kk', 'problem.invalid-account.title'));
  });
});

describe('the dev IdP', () => {
  it.each(LOCALES)('answers its refusals in %s', async (locale) => {
    const missing = await fetch(`${server.baseUrl}/dev-idp/no-such-route`, {
      headers: { 'accept-language': locale },
    });
    expect(missing.headers.get('content-language')).toBe(locale);
    expectInLanguage(await problemOf(missing, 404), 'not-found', locale);

    const refused = await fetch(`${server.baseUrl}/dev-idp/authorize?client_id=nobody`, {
      headers: { cookie: `lang=${locale}` },
    });
    expect(refused.headers.get('content-language')).toBe(locale);
    expectInLanguage(await problemOf(refused, 400), 'malformed-request', locale);
  });
});

describe('refusals a browser navigated to', () => {
  it.each(LOCALES)('shows the explanation of the problem type on a page in %s', async (locale) => {
    // A stale OIDC callback opened in the browser: the state is unknown.
    const response = await fetch(`${server.baseUrl}/v1/identity/oidc/callback?code=x&state=y`, {
      headers: { accept: 'text/html', 'accept-language': locale },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-language')).toBe(locale);
    const page = await response.text();
    expect(page).toContain(`<html lang="${locale}"`);
    // Every language, English included, gets the human text, never the service's detail.
    expect(page).toContain(escapeHtml(t(locale, 'problem.challenge-invalid.title')));
    expect(page).toContain(escapeHtml(t(locale, 'problem.challenge-invalid.detail')));
  });
});

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

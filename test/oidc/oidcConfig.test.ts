// The `oidc` settings as the service reads them at start-up.
import { describe, expect, it } from 'vitest';
import { ConfigError, type Environment, loadConfig } from '../../src/config/config.js';

const OIDC = { IDENTITY_SOURCES: 'oidc', OIDC_CLIENT_ID: 'wallet-attest' };

function oidcProblems(env: Environment): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.filter((problem) => problem.startsWith('OIDC_'));
  }
}

describe('OIDC configuration', () => {
  it('refuses a plain-http issuer in production, with a message naming the rule', () => {
    const production = { ...OIDC, NODE_ENV: 'production', PUBLIC_URL: 'https://attest.example.kz' };
    expect(oidcProblems({ ...production, OIDC_ISSUER: 'http://idp.example.kz' })).toEqual([
      'OIDC_ISSUER must use https when NODE_ENV=production (OpenID Connect Discovery §3)',
    ]);
    expect(oidcProblems({ ...production, OIDC_ISSUER: 'https://idp.example.kz' })).toEqual([]);
  });

  it('accepts a localhost http issuer in development', () => {
    const config = loadConfig({ ...OIDC, OIDC_ISSUER: 'http://localhost:9000/realms/kz' });
    expect(config.oidc).toMatchObject({ issuer: 'http://localhost:9000/realms/kz', claimsParameter: false });
  });

  it('refuses an issuer that is not an http(s) URL without query or fragment', () => {
    expect(oidcProblems({ ...OIDC, OIDC_ISSUER: 'idp.example.kz' })).toEqual([
      'OIDC_ISSUER must be an absolute URL (got "idp.example.kz")',
    ]);
    expect(oidcProblems({ ...OIDC, OIDC_ISSUER: 'ftp://idp.example.kz' })).toHaveLength(1);
    expect(oidcProblems({ ...OIDC, OIDC_ISSUER: 'https://idp.example.kz/?tenant=1' })).toEqual([
      'OIDC_ISSUER must have no query or fragment',
    ]);
  });

  it('reads OIDC_CLAIMS_PARAMETER as a boolean', () => {
    const env = { ...OIDC, OIDC_ISSUER: 'https://idp.example.kz' };
    expect(loadConfig({ ...env, OIDC_CLAIMS_PARAMETER: 'true' }).oidc?.claimsParameter).toBe(true);
    expect(oidcProblems({ ...env, OIDC_CLAIMS_PARAMETER: 'sometimes' })).toEqual([
      'OIDC_CLAIMS_PARAMETER must be true or false (got "sometimes")',
    ]);
  });
});

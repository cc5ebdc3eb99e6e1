// The x509 settings: verifier, revocation methods, OCSP and NCANode endpoints, CRL sources.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

const X509 = { IDENTITY_SOURCES: 'x509' };

describe('x509 settings', () => {
  it('defaults to the pkijs verifier, CRLs only, the private-person role required', () => {
    const config = loadConfig({ ...X509, X509_TRUST_ANCHORS_FILE: '/etc/nca/roots.pem' });
    expect(config.x509).toEqual({
      verifier: 'pkijs',
      trustAnchorsFile: '/etc/nca/roots.pem',
      crlFiles: [],
      crlUrls: [],
      crlRefreshSeconds: 3600,
      requireCrl: true,
      revocation: ['crl'],
      requireIndividualRole: true,
      level: 'high',
    });
  });

  it('reads OCSP and CRL URLs, in the order given', () => {
    const config = loadConfig({
      ...X509,
      X509_TRUST_ANCHORS_FILE: '/roots.pem',
      X509_REVOCATION: 'ocsp, crl',
      X509_OCSP_URL: 'http://ocsp.pki.gov.kz',
      X509_CRL_URLS: 'http://crl.pki.gov.kz/nca_gost_2022.crl',
      X509_CRL_REFRESH_SECONDS: '600',
    });
    expect(config.x509).toMatchObject({
      revocation: ['ocsp', 'crl'],
      ocsp: { url: 'http://ocsp.pki.gov.kz', timeoutSeconds: 5, maxAgeSeconds: 300 },
      crlUrls: ['http://crl.pki.gov.kz/nca_gost_2022.crl'],
      crlRefreshSeconds: 600,
    });
  });

  it('needs NCANODE_URL for the ncanode verifier, and no trust anchors then', () => {
    expect(problemsOf({ ...X509, X509_VERIFIER: 'ncanode' })).toEqual([
      'NCANODE_URL is required when X509_VERIFIER=ncanode',
    ]);
    const config = loadConfig({ ...X509, X509_VERIFIER: 'ncanode', NCANODE_URL: 'http://ncanode:14579/' });
    expect(config.x509).toMatchObject({
      verifier: 'ncanode',
      ncanode: { url: 'http://ncanode:14579', timeoutSeconds: 10 },
    });
    expect(config.x509?.trustAnchorsFile).toBeUndefined();
  });

  it('offers NCALayer signing only when X509_NCALAYER_URL is a websocket origin', () => {
    const base = { ...X509, X509_TRUST_ANCHORS_FILE: '/roots.pem' };
    expect(loadConfig(base).x509?.ncalayerUrl).toBeUndefined();
    expect(loadConfig({ ...base, X509_NCALAYER_URL: 'wss://127.0.0.1:13579' }).x509?.ncalayerUrl).toBe(
      'wss://127.0.0.1:13579',
    );
    expect(problemsOf({ ...base, X509_NCALAYER_URL: 'https://127.0.0.1:13579/x' })).toEqual([
      'X509_NCALAYER_URL must be a ws:// or wss:// origin such as wss://127.0.0.1:13579 (got "https://127.0.0.1:13579/x")',
    ]);
  });

  it('names every bad x509 setting', () => {
    expect(
      problemsOf({
        ...X509,
        X509_VERIFIER: 'kalkan',
        X509_REVOCATION: 'ocsp,ldap,ocsp',
        X509_CRL_URLS: 'ftp://crl',
        X509_REQUIRE_INDIVIDUAL_ROLE: 'maybe',
      }),
    ).toEqual([
      'X509_VERIFIER must be one of pkijs, ncanode (got "kalkan")',
      'X509_REVOCATION must list ocsp and/or crl, each once (got "ldap")',
      'X509_REVOCATION must list ocsp and/or crl, each once (got "ocsp")',
      'X509_TRUST_ANCHORS_FILE is required when IDENTITY_SOURCES includes x509 (X509_VERIFIER=pkijs)',
      'X509_OCSP_URL is required when X509_REVOCATION includes ocsp',
      'X509_CRL_URLS must be an absolute http(s) URL (got "ftp://crl")',
      'X509_REQUIRE_INDIVIDUAL_ROLE must be true or false (got "maybe")',
    ]);
  });
});

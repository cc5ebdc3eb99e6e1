// The x509 source's connections to the outside: CRLs kept current from files and URLs,
// the OCSP responder, NCANode and SIGEX (eGov Mobile) over HTTP. Only fetch and an injected file reader, so the
// same code serves Node and Workers.
import type { Config, EgovMobileConfig } from '../config/config.js';
import type { Clock } from '../domain/clock.js';
import type { NcaNodeTransport } from '../domain/identity/x509/ncanode.js';
import { parseCrls, pemOrBase64ToDer } from '../domain/identity/x509/trustStore.js';
import {
  type OcspTransport,
  parseTrustSettingsPem,
  splitCrlFile,
  type X509TrustSettings,
} from '../domain/identity/x509/verifyEidSignature.js';
import type { Logger } from '../observability/logger.js';
import type { X509Source } from '../services/identityVerification.js';
import { readLimited } from './readLimited.js';
import { type SigexClient, sigexOverHttp } from './sigexClient.js';

/** A national CRL is tens of megabytes at most; anything larger is refused rather than buffered. */
const MAX_CRL_BYTES = 200 * 1024 * 1024;
const MAX_OCSP_RESPONSE_BYTES = 1024 * 1024;
const MAX_NCANODE_RESPONSE_BYTES = 4 * 1024 * 1024;
/** After a failed download, the next attempt waits this long (the old CRLs stay in use). */
const RETRY_AFTER_FAILURE_MS = 60_000;

function unread() {
  return { crls: [] as Uint8Array[], dueAt: 0, staleAt: 0, failing: false };
}

export interface X509SourceDependencies {
  fetch: typeof fetch;
  clock: Clock;
  logger: Logger;
  readFile(path: string): Promise<Uint8Array>;
}

interface CrlOrigin {
  what: 'X509_CRL_FILES' | 'X509_CRL_URLS';
  where: string;
  /** DER of each CRL the origin held at the last successful read. */
  crls: Uint8Array[];
  /** When the origin must be read again: the earliest nextUpdate or the refresh interval. */
  dueAt: number;
  /** The earliest nextUpdate of the CRLs held: past it they no longer count. */
  staleAt: number;
  failing: boolean;
}

/**
 * CRLs from files and URLs, read again once the earliest nextUpdate among them has passed or
 * the refresh interval has elapsed, whichever comes first. A failed read keeps the CRLs held
 * so far: once their nextUpdate passes the verifier refuses them as out of date (fail closed).
 */
export class CrlRefresher {
  private readonly origins: CrlOrigin[];
  private combined: Uint8Array[] = [];
  private refreshing: Promise<void> | undefined;

  constructor(
    files: string[],
    urls: string[],
    private readonly refreshSeconds: number,
    private readonly deps: X509SourceDependencies,
  ) {
    this.origins = [
      ...files.map((where) => ({ what: 'X509_CRL_FILES' as const, where, ...unread() })),
      ...urls.map((where) => ({ what: 'X509_CRL_URLS' as const, where, ...unread() })),
    ];
  }

  /** At start-up: files must be readable (a configuration error otherwise); URLs may fail. */
  async load(): Promise<void> {
    await Promise.all(
      this.origins.map(async (origin) => {
        const ok = await this.read(origin);
        if (!ok && origin.what === 'X509_CRL_FILES') {
          throw new Error(`X509_CRL_FILES file ${origin.where} cannot be read as PEM or DER CRLs`);
        }
      }),
    );
    this.combine();
  }

  /**
   * The CRLs to verify with now; the array is replaced, never mutated, when they change.
   * A refresh runs in the background while the CRLs held are still current; a request waits
   * for it only when they are not (or there are none yet), rather than be refused.
   */
  async current(): Promise<readonly Uint8Array[]> {
    const now = this.deps.clock.now().getTime();
    const due = this.origins.filter((origin) => origin.dueAt <= now);
    if (due.length > 0) {
      this.refreshing ??= this.refresh(now).finally(() => {
        this.refreshing = undefined;
      });
      if (due.some((origin) => origin.crls.length === 0 || origin.staleAt <= now)) await this.refreshing;
    }
    return this.combined;
  }

  private async refresh(now: number): Promise<void> {
    const due = this.origins.filter((origin) => origin.dueAt <= now);
    const results = await Promise.all(due.map((origin) => this.read(origin)));
    if (results.some(Boolean)) this.combine();
  }

  private combine(): void {
    this.combined = this.origins.flatMap((origin) => origin.crls);
  }

  private async read(origin: CrlOrigin): Promise<boolean> {
    const now = this.deps.clock.now().getTime();
    try {
      const bytes =
        origin.what === 'X509_CRL_FILES'
          ? await this.deps.readFile(origin.where)
          : await this.download(origin.where);
      const crls = splitCrlFile(bytes).map((entry) =>
        typeof entry === 'string' ? pemOrBase64ToDer(entry) : new Uint8Array(entry),
      );
      if (crls.length === 0) throw new Error('no CRL in it');
      const parsed = parseCrls(crls);
      const nextUpdates = parsed.flatMap((crl) => (crl.nextUpdate ? [crl.nextUpdate.value.getTime()] : []));
      origin.crls = crls;
      origin.staleAt = Math.min(Number.POSITIVE_INFINITY, ...nextUpdates);
      origin.dueAt = Math.min(
        now + this.refreshSeconds * 1000,
        ...nextUpdates.map((t) => Math.max(t, now + 1000)),
      );
      if (origin.failing) this.deps.logger.log('info', 'CRL read again', { origin: origin.where });
      origin.failing = false;
      return true;
    } catch (error) {
      origin.dueAt = now + RETRY_AFTER_FAILURE_MS;
      if (!origin.failing) {
        this.deps.logger.log('warn', 'CRL cannot be read; the CRLs held so far stay in use', {
          origin: origin.where,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      origin.failing = true;
      return false;
    }
  }

  private async download(url: string): Promise<Uint8Array> {
    const response = await this.deps.fetch(url, { signal: AbortSignal.timeout(60_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return readLimited(response, MAX_CRL_BYTES);
  }
}

/** RFC 6960 Appendix A.1: POST application/ocsp-request, answered application/ocsp-response. */
export function ocspOverHttp(url: string, timeoutSeconds: number, fetchImpl: typeof fetch): OcspTransport {
  return async (request) => {
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
      body: new Uint8Array(request),
      signal: AbortSignal.timeout(timeoutSeconds * 1000),
    });
    if (!response.ok) throw new Error(`OCSP responder answered HTTP ${response.status}`);
    return readLimited(response, MAX_OCSP_RESPONSE_BYTES);
  };
}

/** NCANode 3.x `POST /cms/verify`, JSON in and out. */
export function ncanodeOverHttp(
  url: string,
  timeoutSeconds: number,
  fetchImpl: typeof fetch,
): NcaNodeTransport {
  return async (request) => {
    const response = await fetchImpl(`${url}/cms/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(timeoutSeconds * 1000),
    });
    const bytes = await readLimited(response, MAX_NCANODE_RESPONSE_BYTES);
    let body: unknown = null;
    try {
      body = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      // Not JSON: the verifier treats the answer as not understood.
    }
    return { status: response.status, body };
  };
}

/** Builds the x509 source from its configuration; reads the trust anchors and the CRLs once here. */
export async function createX509Source(
  config: Config,
  deps: X509SourceDependencies,
): Promise<X509Source | undefined> {
  const x509 = config.x509;
  if (!x509) return undefined;
  const readText = async (path: string, what: string) => {
    try {
      return new TextDecoder().decode(await deps.readFile(path));
    } catch {
      throw new Error(`${what} file ${path} cannot be read`);
    }
  };
  const trustAnchors = x509.trustAnchorsFile
    ? parseTrustSettingsPem(await readText(x509.trustAnchorsFile, 'X509_TRUST_ANCHORS_FILE'))
    : [];
  const crls = new CrlRefresher(x509.crlFiles, x509.crlUrls, x509.crlRefreshSeconds, deps);
  await crls.load();
  const settings: Omit<X509TrustSettings, 'crls'> = {
    trustAnchors,
    requireCrl: x509.requireCrl,
    revocation: x509.revocation,
    ...(x509.ocsp ? { ocspMaxAgeSeconds: x509.ocsp.maxAgeSeconds } : {}),
    requireIndividualRole: x509.requireIndividualRole,
    country: config.country,
    level: x509.level,
  };
  return {
    trust: async () => ({ ...settings, crls: await crls.current() }),
    ...(x509.ocsp ? { ocsp: ocspOverHttp(x509.ocsp.url, x509.ocsp.timeoutSeconds, deps.fetch) } : {}),
    ...(x509.ncanode
      ? { ncanode: ncanodeOverHttp(x509.ncanode.url, x509.ncanode.timeoutSeconds, deps.fetch) }
      : {}),
    ...(x509.egovMobile ? { egovMobile: sigexFor(x509.egovMobile, deps.fetch) } : {}),
  };
}

/** The SIGEX client of the configuration (the background poller builds its own the same way). */
export function sigexFor(config: EgovMobileConfig, fetchImpl: typeof fetch): SigexClient {
  return sigexOverHttp({ baseUrl: config.sigexUrl, timeoutSeconds: config.timeoutSeconds, fetch: fetchImpl });
}

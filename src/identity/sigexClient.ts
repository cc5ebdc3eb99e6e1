// SIGEX's QR signing API, through which eGov Mobile signs on the citizen's phone, as the
// sigex-kz/sigex-qr-signing-client library uses it (and SIGEX's developer pages describe):
//   POST {SIGEX}/api/egovQr {description}
//     → {qrCode (base64 PNG), dataURL, signURL, eGovMobileLaunchLink, eGovBusinessLaunchLink, expireAt}
//   POST dataURL {signMethod, documentsToSign: [{id, nameRu, nameKz, nameEn, meta, document: {file: {mime, data}}}]}
//     held open by SIGEX until eGov Mobile has taken the data (the QR is then used up)
//   GET signURL
//     held open until the citizen has signed: {documentsToSign: [{…, document: {file: {data: CMS}}}]}
// SIGEX answers 200 with JSON; a `message` in it is its refusal, and any other HTTP status
// means the request could not be served. Only fetch, so the same code serves Node and Workers.
import { IdentityCheckUnavailableError, IdentityProviderError } from '../domain/errors.js';
import { readLimited } from './readLimited.js';

/** A registered signing, as SIGEX hands it out. */
export interface SigexRegistration {
  /** Base64 PNG of the QR code eGov Mobile scans. */
  qrCode: string;
  dataUrl: string;
  signUrl: string;
  /** Deep links that open the signing in eGov Mobile / eGov Business on the same phone. */
  eGovMobileLaunchLink?: string;
  eGovBusinessLaunchLink?: string;
  /** When SIGEX drops the procedure, if it says. */
  expiresAt?: Date;
}

export interface SigexDocument {
  id: number;
  nameRu: string;
  nameKz: string;
  nameEn: string;
  /** Base64 of the bytes to sign. */
  data: string;
}

/** The SIGEX steps the service drives; every failure is one of the two errors below. */
export interface SigexClient {
  register(description: string): Promise<SigexRegistration>;
  /** Resolves once eGov Mobile has taken the documents. */
  sendDocuments(dataUrl: string, documents: SigexDocument[], signal: AbortSignal): Promise<void>;
  /** Resolves with one CMS (base64) per document once the citizen has signed. */
  fetchSignatures(signUrl: string, signal: AbortSignal): Promise<string[]>;
}

/** SIGEX could not be reached, timed out or failed on its side: trying again may work. */
export class SigexUnreachableError extends IdentityCheckUnavailableError {}

/** SIGEX refused the request or answered something unusable: trying again will not help. */
export class SigexRefusedError extends IdentityProviderError {}

/** The QR image, the JSON around it and a CMS are a few kilobytes; anything larger is refused. */
const MAX_ANSWER_BYTES = 1024 * 1024;

export interface SigexOverHttpOptions {
  /** SIGEX's base URL; the dataURL and signURL it hands out must be on its origin. */
  baseUrl: string;
  /** For registration, the one step a citizen waits on. */
  timeoutSeconds: number;
  fetch: typeof fetch;
}

export function sigexOverHttp(options: SigexOverHttpOptions): SigexClient {
  const origin = new URL(options.baseUrl).origin;
  /** `init.signal`, when given by the caller, is the caller's to abort: its reason is thrown as it is. */
  const call = async (
    url: string,
    init: RequestInit & { signal: AbortSignal },
    step: string,
    callerSignal: boolean,
  ): Promise<Record<string, unknown>> => {
    let response: Response;
    let bytes: Uint8Array;
    try {
      response = await options.fetch(url, {
        ...init,
        headers: { accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}) },
        cache: 'no-store',
        redirect: 'error',
      });
      bytes = await readLimited(response, MAX_ANSWER_BYTES);
    } catch (error) {
      if (callerSignal && init.signal.aborted) throw init.signal.reason;
      throw Object.assign(new SigexUnreachableError(`SIGEX cannot be reached (${step})`), { cause: error });
    }
    if (response.status >= 500 || response.status === 429 || response.status === 408) {
      throw new SigexUnreachableError(`SIGEX answered HTTP ${response.status} (${step})`);
    }
    if (response.status !== 200)
      throw new SigexRefusedError(`SIGEX refused the ${step} (HTTP ${response.status})`);
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw new SigexRefusedError(`SIGEX answered the ${step} with something other than JSON`);
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new SigexRefusedError(`SIGEX answered the ${step} with something other than a JSON object`);
    }
    const message = (body as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') {
      throw new SigexRefusedError(`SIGEX refused the ${step}: ${message.slice(0, 200)}`, {
        sigexMessage: message.slice(0, 200),
      });
    }
    return body as Record<string, unknown>;
  };
  const onSigex = (value: unknown, field: string): string => {
    if (typeof value === 'string') {
      try {
        if (new URL(value).origin === origin) return value;
      } catch {
        // refused below
      }
    }
    throw new SigexRefusedError(`SIGEX's ${field} is not a URL on ${origin}`);
  };

  return {
    async register(description) {
      const body = await call(
        `${options.baseUrl}/api/egovQr`,
        {
          method: 'POST',
          body: JSON.stringify({ description }),
          signal: AbortSignal.timeout(options.timeoutSeconds * 1000),
        },
        'registration',
        false,
      );
      const qrCode = body.qrCode;
      if (typeof qrCode !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(qrCode)) {
        throw new SigexRefusedError('SIGEX answered the registration without a base64 QR code');
      }
      const expireAt = body.expireAt;
      return {
        qrCode,
        dataUrl: onSigex(body.dataURL, 'dataURL'),
        signUrl: onSigex(body.signURL, 'signURL'),
        ...launchLink('eGovMobileLaunchLink', body.eGovMobileLaunchLink),
        ...launchLink('eGovBusinessLaunchLink', body.eGovBusinessLaunchLink),
        ...(typeof expireAt === 'number' && Number.isFinite(expireAt) && expireAt > 0
          ? { expiresAt: new Date(epochMs(expireAt)) }
          : {}),
      };
    },

    async sendDocuments(dataUrl, documents, signal) {
      await call(
        dataUrl,
        {
          method: 'POST',
          body: JSON.stringify({
            // A detached CMS: the service holds the challenge it signs.
            signMethod: 'CMS_SIGN_ONLY',
            documentsToSign: documents.map((document) => ({
              id: document.id,
              nameRu: document.nameRu,
              nameKz: document.nameKz,
              nameEn: document.nameEn,
              meta: [],
              document: { file: { mime: '', data: document.data } },
            })),
          }),
          signal,
        },
        'documents',
        true,
      );
    },

    async fetchSignatures(signUrl, signal) {
      const body = await call(signUrl, { method: 'GET', signal }, 'signatures', true);
      const documents = body.documentsToSign;
      const signatures = Array.isArray(documents)
        ? documents.map((d) => (d as { document?: { file?: { data?: unknown } } })?.document?.file?.data)
        : [];
      if (
        signatures.length === 0 ||
        !signatures.every((s): s is string => typeof s === 'string' && s !== '')
      ) {
        throw new SigexRefusedError('SIGEX answered without a signature for every document');
      }
      return signatures;
    },
  };
}

/**
 * SIGEX's expireAt is in epoch milliseconds; a value that can only be seconds (before 1973
 * as milliseconds) is read as seconds rather than expiring the signing at once.
 */
function epochMs(value: number): number {
  return value < 1e11 ? value * 1000 : value;
}

/** Only https deep links reach the page: never javascript: or another scheme. */
function launchLink(field: 'eGovMobileLaunchLink' | 'eGovBusinessLaunchLink', value: unknown) {
  if (typeof value !== 'string' || value.length > 2048) return {};
  try {
    return new URL(value).protocol === 'https:' ? { [field]: value } : {};
  } catch {
    return {};
  }
}

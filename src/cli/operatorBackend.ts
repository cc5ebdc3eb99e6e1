// What the CLI's `clients` and `regulators` commands act on: the database directly (a file
// or PostgreSQL, through the same use cases as the service), or a running service's
// operator API (OPERATOR_URL and OPERATOR_TOKEN), the only way into a Worker's Durable
// Object. Both give the same answers, so the commands print them alike.
import type { Config } from '../config/config.js';
import { silentLogger } from '../observability/logger.js';
import { assemble } from '../runtime/assemble.js';
import {
  type ApiClient,
  createApiClient,
  listClients,
  type NewApiClient,
  revokeApiClient,
} from '../services/apiClients.js';
import { listOfficers, type Officer, setRegulatorRole } from '../services/regulator.js';

export interface OperatorBackend {
  createClient(p: NewApiClient): Promise<{ client: ApiClient; key: string }>;
  listClients(): Promise<ApiClient[]>;
  revokeClient(id: string): Promise<ApiClient>;
  setRegulatorRole(nationalId: string, granted: boolean): Promise<{ identityId: string; changed: boolean }>;
  listOfficers(): Promise<Officer[]>;
}

export function localOperator(config: Config): OperatorBackend {
  const withServices = async <T>(work: (app: Awaited<ReturnType<typeof assemble>>) => Promise<T>) => {
    const assembled = await assemble(config, { logger: silentLogger });
    try {
      return await work(assembled);
    } finally {
      await assembled.close();
    }
  };
  return {
    createClient: (p) => withServices(({ services }) => createApiClient(services, p)),
    listClients: () => withServices(({ services }) => listClients(services)),
    revokeClient: (id) => withServices(({ services }) => revokeApiClient(services, id)),
    setRegulatorRole: (nationalId, granted) =>
      withServices(({ services }) => setRegulatorRole(services, nationalId, granted)),
    listOfficers: () => withServices(({ services }) => listOfficers(services)),
  };
}

/** A refusal of the operator API, with its problem document's title and detail. */
export class OperatorApiError extends Error {}

export function remoteOperator(baseUrl: string, token: string, send: typeof fetch = fetch): OperatorBackend {
  const call = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const url = new URL(path, baseUrl);
    let response: Response;
    try {
      response = await send(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new OperatorApiError(`${url.origin} cannot be reached: ${(error as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) {
      let problem: { title?: string; detail?: string } = {};
      try {
        problem = JSON.parse(text) as typeof problem;
      } catch {}
      throw new OperatorApiError(
        `${response.status} ${problem.title ?? response.statusText}${problem.detail ? `: ${problem.detail}` : ''}`,
      );
    }
    return JSON.parse(text) as T;
  };
  return {
    createClient: (p) => call('POST', '/v1/operator/api-clients', p),
    listClients: async () =>
      (await call<{ clients: ApiClient[] }>('GET', '/v1/operator/api-clients')).clients,
    revokeClient: async (id) =>
      (
        await call<{ client: ApiClient }>(
          'POST',
          `/v1/operator/api-clients/${encodeURIComponent(id)}/revocation`,
        )
      ).client,
    setRegulatorRole: (nationalId, granted) =>
      call('POST', '/v1/operator/regulator-roles', { nationalId, granted }),
    listOfficers: async () =>
      (await call<{ officers: Officer[] }>('GET', '/v1/operator/regulators')).officers,
  };
}

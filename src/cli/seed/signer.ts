// Worker thread of the seed's signing pool: opens the service's own key store (same
// configuration, same key files or environment) and signs what the main thread asks,
// a batch at a time. Nothing here decides what is signed.
import { parentPort, workerData } from 'node:worker_threads';
import type { JWTPayload } from 'jose';
import type { TypedDataDefinition } from 'viem';
import type { Config } from '../../config/config.js';
import { openKeyStore } from '../../runtime/fileKeyStore.js';

export type SignRequest =
  | { id: number; kind: 'jwt'; typ: string; payload: JWTPayload }
  | { id: number; kind: 'typedData'; typedData: TypedDataDefinition };

export type SignResponse =
  | { id: number; ok: true; value: { token: string; kid: string } | string }
  | { id: number; ok: false; error: string };

const port = parentPort;
if (port) {
  const keys = await openKeyStore(workerData.config as Config, new Date());
  port.on('message', async (requests: SignRequest[]) => {
    const responses = await Promise.all(
      requests.map(async (request): Promise<SignResponse> => {
        try {
          const value =
            request.kind === 'jwt'
              ? await keys.signJwt(request.typ, request.payload)
              : await keys.signTypedData(request.typedData);
          return { id: request.id, ok: true, value };
        } catch (error) {
          return { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    port.postMessage(responses);
  });
  port.postMessage('ready');
}

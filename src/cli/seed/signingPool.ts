// Signing for `seed` on every core while one writer keeps the database. Attestations are
// issued by the service's own `issueAttestation`, many at once; the key store it is given
// forwards each signature to a worker thread (the same key store, opened there) and
// hands back the result, so the writer builds and stores rows while the workers sign.
//
// Issuances in flight share one transaction, and an audit append reads the chain's tail
// and then writes after it, so only one task at a time may be appending: the `Turn`.
// `issueAttestation` signs twice (JWT, then EIP-712) before it writes anything; the key
// store of each issuance takes the turn when its last signature is back, and the task
// gives it back when `issueAttestation` returns. Should the issuance ever write before
// signing, two appends could read the same tail; the audit log's primary key on `seq`
// would then fail the batch loudly, never fork the chain.
import type { Worker } from 'node:worker_threads';
import type { Config } from '../../config/config.js';
import type { DataProtector } from '../../crypto/dataProtector.js';
import type { KeyStore } from '../../crypto/keyStore.js';
import { startWorker } from '../../runtime/startWorker.js';
import type { SignRequest, SignResponse } from './signer.js';

/** A FIFO mutex: one holder at a time, in the order they asked. */
export class Turn {
  #last: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const granted = this.#last.then(() => release);
    this.#last = released;
    return granted;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }
}

/** A worker running signer.ts, the sibling of this file. */
function startSigner(config: Config): Worker {
  return startWorker(import.meta.url, 'signer', { workerData: { config } });
}

/** Requests that are sent at once rather than waiting for the next millisecond. */
const FLUSH_AT = 64;

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

interface PoolWorker {
  worker: Worker;
  outstanding: number;
}

/** Signing requests, batched per event-loop turn and spread over the workers by load. */
export class SigningPool {
  #workers: PoolWorker[] = [];
  #pending = new Map<number, Pending & { worker?: PoolWorker }>();
  #queue: SignRequest[] = [];
  #flushScheduled = false;
  #nextId = 1;
  #failure: Error | undefined;

  private constructor() {}

  static async start(config: Config, size: number): Promise<SigningPool> {
    const pool = new SigningPool();
    await Promise.all(
      Array.from({ length: size }, async () => {
        const worker = startSigner(config);
        const entry: PoolWorker = { worker, outstanding: 0 };
        pool.#workers.push(entry);
        await new Promise<void>((resolve, reject) => {
          worker.once('error', reject);
          worker.once('message', (message) => {
            worker.off('error', reject);
            if (message === 'ready') resolve();
            else reject(new Error('The signing worker did not start'));
          });
        });
        worker.on('message', (responses: SignResponse[]) => pool.#settle(entry, responses));
        worker.on('error', (error: unknown) =>
          pool.#fail(error instanceof Error ? error : new Error(String(error))),
        );
        worker.on('exit', (code) => {
          if (code !== 0) pool.#fail(new Error(`A signing worker exited with code ${code}`));
        });
      }),
    ).catch(async (error) => {
      await pool.close();
      throw error;
    });
    return pool;
  }

  get size(): number {
    return this.#workers.length;
  }

  signJwt(typ: string, payload: Parameters<KeyStore['signJwt']>[1]) {
    return this.#request({ kind: 'jwt', typ, payload }) as Promise<{ token: string; kid: string }>;
  }

  signTypedData(typedData: Parameters<KeyStore['signTypedData']>[0]) {
    return this.#request({ kind: 'typedData', typedData }) as ReturnType<KeyStore['signTypedData']>;
  }

  #request(
    body:
      | { kind: 'jwt'; typ: string; payload: Parameters<KeyStore['signJwt']>[1] }
      | { kind: 'typedData'; typedData: Parameters<KeyStore['signTypedData']>[0] },
  ): Promise<unknown> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#queue.push({ id, ...body });
      // Fewer, larger messages: every message wakes a worker, which costs the writer too.
      if (this.#queue.length >= FLUSH_AT) this.#flush();
      else if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setTimeout(() => this.#flush(), 1);
      }
    });
  }

  #flush() {
    this.#flushScheduled = false;
    if (this.#queue.length === 0) return;
    const queue = this.#queue;
    this.#queue = [];
    // Hand the batch out so that every worker ends up with about the same backlog.
    const chunk = Math.max(1, Math.ceil(queue.length / this.#workers.length));
    for (let start = 0; start < queue.length; start += chunk) {
      const target = this.#workers.reduce((a, b) => (b.outstanding < a.outstanding ? b : a));
      const part = queue.slice(start, start + chunk);
      target.outstanding += part.length;
      for (const request of part) this.#pending.get(request.id)!.worker = target;
      target.worker.postMessage(part);
    }
  }

  #settle(entry: PoolWorker, responses: SignResponse[]) {
    entry.outstanding -= responses.length;
    for (const response of responses) {
      const pending = this.#pending.get(response.id);
      if (!pending) continue;
      this.#pending.delete(response.id);
      if (response.ok) pending.resolve(response.value);
      else pending.reject(new Error(`Signing failed in a worker: ${response.error}`));
    }
  }

  #fail(error: Error) {
    this.#failure ??= error;
    for (const pending of this.#pending.values()) pending.reject(this.#failure);
    this.#pending.clear();
  }

  async close(): Promise<void> {
    this.#failure ??= new Error('The signing pool is closed');
    await Promise.all(this.#workers.map(({ worker }) => worker.terminate()));
    this.#workers = [];
  }
}

/** How many signatures one `issueAttestation` makes before it writes: the JWT and the EIP-712 form. */
const SIGNATURES_PER_ISSUANCE = 2;

/**
 * The key store of one issuance: signs in the pool (or with `base` when there is no
 * pool), and takes the turn once the issuance's signatures are all back. `done()` gives
 * the turn back (call it when the issuance returned or failed).
 */
export class IssuanceKeys {
  #signed = 0;
  #release: (() => void) | undefined;
  readonly keys: KeyStore;

  constructor(base: KeyStore, pool: SigningPool | undefined, turn: Turn) {
    const after = async <T>(value: T): Promise<T> => {
      this.#signed += 1;
      if (this.#signed === SIGNATURES_PER_ISSUANCE && !this.#release) this.#release = await turn.acquire();
      return value;
    };
    this.keys = {
      signingKeys: () => base.signingKeys(),
      attesterAddress: () => base.attesterAddress(),
      signJwt: async (typ, payload) => after(await (pool ?? base).signJwt(typ, payload)),
      signTypedData: async (typedData) => after(await (pool ?? base).signTypedData(typedData)),
    };
  }

  done(): void {
    this.#release?.();
    this.#release = undefined;
  }
}

/**
 * A data protector whose encryptions can be started ahead: `prepare` encrypts now, and
 * the matching `encrypt` call later (same plaintext and purpose) returns that ciphertext,
 * once. So `recordVerifiedIdentity` can run inside the turn without waiting there for the
 * thread pool; anything not prepared is encrypted as usual.
 */
export class PreparedProtector implements DataProtector {
  #ready = new Map<string, Promise<string>>();

  constructor(private readonly base: DataProtector) {}

  prepare(plaintext: string, purpose: string): Promise<string> {
    const key = `${purpose}\u0000${plaintext}`;
    let ready = this.#ready.get(key);
    if (!ready) {
      ready = this.base.encrypt(plaintext, purpose);
      this.#ready.set(key, ready);
    }
    return ready;
  }

  encrypt(plaintext: string, purpose: string): Promise<string> {
    const key = `${purpose}\u0000${plaintext}`;
    const ready = this.#ready.get(key);
    if (!ready) return this.base.encrypt(plaintext, purpose);
    this.#ready.delete(key);
    return ready;
  }

  decrypt(ciphertext: string, purpose: string): Promise<string> {
    return this.base.decrypt(ciphertext, purpose);
  }

  keyedHash(value: string, purpose: string): Promise<string> {
    return this.base.keyedHash(value, purpose);
  }
}

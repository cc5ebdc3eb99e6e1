// The service's side of each eGov Mobile signing at SIGEX, in the background: hand SIGEX
// the challenge (a request SIGEX holds until eGov Mobile has scanned the QR), then wait for
// the signature (held until the citizen has signed). Each step is one long request under a
// lease on the signing's row, and what it learns is written before the next step starts,
// so a restart, or another instance, carries on where the last one stopped. SIGEX being
// away is retried with backoff until the signing expires; SIGEX refusing ends it.
//
// The challenge is posted once and the request left open until eGov Mobile takes it or the
// signing expires, as SIGEX's own client does (it sends again only when the connection
// fails): whether SIGEX accepts the documents a second time after the service gave up on a
// request it was still holding is not documented. Its lease is renewed while it is open, so
// an instance that dies leaves the signing to another within a poll and a margin. The
// signature is asked for again every SIGEX_POLL_SECONDS, which only reads.
import { toBase64Url, utf8 } from '../domain/encoding.js';
import { type SigexClient, SigexRefusedError, SigexUnreachableError } from '../identity/sigexClient.js';
import type { EgovSigningRow } from '../store/database.js';
import {
  dueEgovSignings,
  leaseEgovSigning,
  recordEgovProgress,
  releaseEgovSigning,
  renewEgovLease,
} from '../store/repositories/egovSignings.js';
import type { ServiceContext } from './context.js';
import { type EgovFlow, egovSigningTexts, flowPurpose, signaturePurpose } from './egovMobileSigning.js';

/** What one step of one signing came to. */
export type EgovStepOutcome =
  /** eGov Mobile took the challenge; the signature is awaited next. */
  | 'sent'
  | 'signed'
  /** SIGEX held the request for the whole poll: it is sent again. */
  | 'waiting'
  | 'unreachable'
  | 'refused'
  /** The poller closed mid-step; the lease was given back. */
  | 'stopped';

export interface EgovStepReport {
  id: string;
  outcome?: EgovStepOutcome;
  /** The step's result could not be written: its lease runs out and the step is retried. */
  error?: unknown;
}

/** A lease outlives the poll it covers by this much, so it never ends while the poll is open. */
const LEASE_MARGIN_MS = 15_000;
/** SIGEX away: retried after 1, 2, 4 … seconds, at most this far apart. */
const MAX_RETRY_DELAY_MS = 15_000;

export function egovRetryDelayMs(failedAttempts: number): number {
  return Math.min(MAX_RETRY_DELAY_MS, 1000 * 2 ** Math.max(0, Math.min(20, failedAttempts - 1)));
}

/** Standard base64 of the challenge's bytes: SIGEX's `data`, which eGov Mobile decodes and signs. */
function base64Of(text: string): string {
  const url = toBase64Url(utf8(text));
  return url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (url.length % 4)) % 4);
}

export class EgovMobilePoller {
  private readonly inFlight = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private closed = false;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly sigex: SigexClient,
    private readonly onSettled: (report: EgovStepReport) => void = () => {},
  ) {}

  get active(): number {
    return this.inFlight.size;
  }

  /** Starts the due steps in the free slots; resolves with how many it started. */
  async poll(): Promise<number> {
    const settings = this.ctx.config.x509?.egovMobile;
    if (this.closed || !settings) return 0;
    const free = settings.concurrency - this.inFlight.size;
    if (free <= 0) return 0;
    const now = this.ctx.clock.now();
    let started = 0;
    for (const row of await dueEgovSignings(this.ctx.db, now, free, [...this.inFlight.keys()])) {
      const until = new Date(now.getTime() + this.leaseMs());
      if (this.closed || !(await leaseEgovSigning(this.ctx.db, row.id, 'pending', now, until))) continue;
      const controller = new AbortController();
      const done = this.step(row, controller.signal, until).then(
        (outcome) => this.settle({ id: row.id, outcome }),
        (error: unknown) => this.settle({ id: row.id, error }),
      );
      this.inFlight.set(row.id, { controller, done });
      started++;
    }
    return started;
  }

  private settle(report: EgovStepReport): void {
    this.inFlight.delete(report.id);
    try {
      this.onSettled(report);
    } catch {
      // A report that cannot be handled must not become an unhandled rejection.
    }
  }

  /** Takes no new steps, ends the polls in flight and gives their leases back. */
  async close(): Promise<void> {
    this.closed = true;
    const running = [...this.inFlight.values()];
    for (const { controller } of running) controller.abort();
    await Promise.all(running.map(({ done }) => done));
  }

  private pollMs(): number {
    return (this.ctx.config.x509?.egovMobile?.pollSeconds ?? 60) * 1000;
  }

  /** A lease covers one poll and a margin; a longer request renews it as it goes. */
  private leaseMs(): number {
    return this.pollMs() + LEASE_MARGIN_MS;
  }

  /** How long the step's request may stay open: the documents until expiry, a poll for the signature less. */
  private requestMs(row: EgovSigningRow): number {
    const untilExpiry = Date.parse(row.expires_at) - this.ctx.clock.now().getTime();
    return Math.max(1000, row.step === 'send-data' ? untilExpiry : Math.min(this.pollMs(), untilExpiry));
  }

  /** Renews the lease every half poll while the step runs; aborts `lost` when it is no longer this poller's. */
  private keepLease(id: string, heldUntil: Date, lost: AbortController): () => void {
    let held = heldUntil;
    const timer = setInterval(
      () => {
        const until = new Date(this.ctx.clock.now().getTime() + this.leaseMs());
        renewEgovLease(this.ctx.db, id, held, until).then(
          (renewed) => {
            if (renewed) held = until;
            else lost.abort();
          },
          // The database away: the lease may run out; the next renewal tries again.
          () => {},
        );
      },
      Math.max(500, this.pollMs() / 2),
    );
    timer.unref?.();
    return () => clearInterval(timer);
  }

  private async step(row: EgovSigningRow, stop: AbortSignal, leasedUntil: Date): Promise<EgovStepOutcome> {
    const { db, clock, protector, config } = this.ctx;
    const flow = JSON.parse(await protector.decrypt(row.sealed_flow, flowPurpose(row.id))) as EgovFlow;
    const pollEnd = AbortSignal.timeout(this.requestMs(row));
    const lost = new AbortController();
    const signal = AbortSignal.any([stop, pollEnd, lost.signal]);
    const stopRenewing = this.keepLease(row.id, leasedUntil, lost);
    try {
      if (row.step === 'send-data') {
        const { names } = egovSigningTexts(config.publicUrl);
        await this.sigex.sendDocuments(
          flow.dataUrl,
          [{ id: 1, ...names, data: base64Of(flow.challenge) }],
          signal,
        );
        const now = clock.now();
        await recordEgovProgress(
          db,
          row.id,
          { step: 'await-signature', attempts: 0, next_attempt_at: now.toISOString() },
          now,
        );
        return 'sent';
      }
      const signatures = await this.sigex.fetchSignatures(flow.signUrl, signal);
      if (signatures.length !== 1)
        throw new SigexRefusedError('SIGEX answered with another number of signatures');
      const now = clock.now();
      await recordEgovProgress(
        db,
        row.id,
        {
          status: 'signed',
          sealed_signature: await protector.encrypt(signatures[0]!, signaturePurpose(row.id)),
          attempts: 0,
        },
        now,
      );
      return 'signed';
    } catch (error) {
      const now = clock.now();
      // Another poller has the signing now: it is left to that one.
      if (lost.signal.aborted) return 'stopped';
      if (stop.aborted) {
        await releaseEgovSigning(db, row.id);
        return 'stopped';
      }
      if (
        pollEnd.aborted &&
        !(error instanceof SigexRefusedError) &&
        !(error instanceof SigexUnreachableError)
      ) {
        await recordEgovProgress(db, row.id, { next_attempt_at: now.toISOString() }, now);
        return 'waiting';
      }
      if (error instanceof SigexUnreachableError) {
        const attempts = row.attempts + 1;
        await recordEgovProgress(
          db,
          row.id,
          { attempts, next_attempt_at: new Date(now.getTime() + egovRetryDelayMs(attempts)).toISOString() },
          now,
        );
        return 'unreachable';
      }
      if (error instanceof SigexRefusedError) {
        await recordEgovProgress(
          db,
          row.id,
          { status: 'failed', failure: JSON.stringify(error.toProblem()) },
          now,
        );
        return 'refused';
      }
      throw error;
    } finally {
      stopRenewing();
    }
  }
}

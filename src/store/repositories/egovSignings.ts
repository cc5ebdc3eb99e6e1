// eGov Mobile signings through SIGEX (services/egovMobileSigning.ts): the row of each QR
// shown, its step, its lease and its outcome. Every statement touches one row by its key,
// except the poller's queue (the partial index egov_signings_due) and the purge (by expiry).
import { type Kysely, sql } from 'kysely';
import type { Database, EgovSigningRow } from '../database.js';
import { leaseRow } from './leases.js';

export type EgovSigningStatus = 'pending' | 'signed' | 'completed' | 'failed';
export type EgovSigningStep = 'send-data' | 'await-signature';

export async function insertEgovSigning(db: Kysely<Database>, row: EgovSigningRow): Promise<void> {
  await db.insertInto('egov_signings').values(row).execute();
}

/** The signing, only for the flow it is bound to: another browser cannot even see it. */
export function findEgovSigning(
  db: Kysely<Database>,
  id: string,
  binding: string,
): Promise<EgovSigningRow | undefined> {
  return db
    .selectFrom('egov_signings')
    .selectAll()
    .where('id', '=', id)
    .where('binding', '=', binding)
    .executeTakeFirst();
}

/**
 * Pending signings whose next step is due, not expired and not leased by a live poller,
 * oldest due first, through the partial index (the literal 'pending' lets both backends use it).
 */
export function dueEgovSignings(
  db: Kysely<Database>,
  now: Date,
  limit: number,
  skipIds: readonly string[],
): Promise<EgovSigningRow[]> {
  const at = now.toISOString();
  let query = db
    .selectFrom('egov_signings')
    .selectAll()
    .where('status', '=', sql.lit('pending'))
    .where('next_attempt_at', '<=', at)
    .where('expires_at', '>', at)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', at)]));
  if (skipIds.length > 0) query = query.where('id', 'not in', skipIds);
  return query.orderBy('next_attempt_at', 'asc').limit(limit).execute();
}

/** A lease on a signing in `status`: the poller's on a pending one, a completing request's on a signed one. */
export function leaseEgovSigning(
  db: Kysely<Database>,
  id: string,
  status: EgovSigningStatus,
  now: Date,
  until: Date,
): Promise<boolean> {
  return leaseRow(db, 'egov_signings', id, now, until, status);
}

/** Extends a lease its holder still has (the one it took until `heldUntil`); false once it is not its. */
export async function renewEgovLease(
  db: Kysely<Database>,
  id: string,
  heldUntil: Date,
  until: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('egov_signings')
    .set({ locked_until: until.toISOString() })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('locked_until', '=', heldUntil.toISOString())
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** What a poller learnt about a pending signing; the lease is released with it. */
export type EgovSigningProgress = Partial<
  Pick<EgovSigningRow, 'status' | 'step' | 'sealed_signature' | 'failure' | 'attempts' | 'next_attempt_at'>
> & { status?: EgovSigningStatus; step?: EgovSigningStep };

/** Applies only while the signing is still pending (the outcome of a stale lease is dropped). */
export async function recordEgovProgress(
  db: Kysely<Database>,
  id: string,
  progress: EgovSigningProgress,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('egov_signings')
    .set({ ...progress, locked_until: null, updated_at: now.toISOString() })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Ends a signed signing: completed or failed, exactly once (false when it had ended already). */
export async function endEgovSigning(
  db: Kysely<Database>,
  id: string,
  outcome: { status: 'completed' } | { status: 'failed'; failure: string },
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('egov_signings')
    .set({
      status: outcome.status,
      failure: outcome.status === 'failed' ? outcome.failure : null,
      // The signature has served its purpose: it names the citizen, so it is not kept.
      sealed_signature: null,
      locked_until: null,
      updated_at: now.toISOString(),
    })
    .where('id', '=', id)
    .where('status', '=', 'signed')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function releaseEgovSigning(db: Kysely<Database>, id: string): Promise<void> {
  await db.updateTable('egov_signings').set({ locked_until: null }).where('id', '=', id).execute();
}

/** Signings that expired before `before`, whatever their status. */
export async function purgeEgovSigningsExpiredBefore(db: Kysely<Database>, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('egov_signings')
    .where('expires_at', '<=', before.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

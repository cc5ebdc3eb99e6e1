// Leases on background jobs (job_leases): the instance holding a job's lease is the one
// that runs it; it renews the lease at every run, and another instance takes the job over
// once the lease has run out (its holder died) or was released (its holder stopped).
// One statement per claim, the same on SQLite and PostgreSQL.
import type { Kysely } from 'kysely';
import type { Database } from '../database.js';

/** Takes or renews the lease of `job` for `holder` until `until`; false while another holds it. */
export async function claimJobLease(
  db: Kysely<Database>,
  job: string,
  holder: string,
  now: Date,
  until: Date,
): Promise<boolean> {
  const result = await db
    .insertInto('job_leases')
    .values({ job, holder, until: until.toISOString() })
    .onConflict((oc) =>
      oc
        .column('job')
        .doUpdateSet({ holder, until: until.toISOString() })
        .where((eb) =>
          eb.or([eb('job_leases.holder', '=', holder), eb('job_leases.until', '<=', now.toISOString())]),
        ),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Gives the lease up, so that another instance takes the job at its next try. */
export async function releaseJobLease(db: Kysely<Database>, job: string, holder: string): Promise<void> {
  await db.deleteFrom('job_leases').where('job', '=', job).where('holder', '=', holder).execute();
}

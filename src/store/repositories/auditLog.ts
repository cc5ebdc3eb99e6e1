import type { Kysely } from 'kysely';
import {
  type AuditEntry,
  type AuditEvent,
  auditEntryHash,
  GENESIS_HASH,
} from '../../domain/audit/auditChain.js';
import type { AuditRow, Database } from '../database.js';
import { countActivity } from './dailyActivity.js';

/**
 * Appends one entry to the hash chain. Call it inside the unit of work that makes the state
 * change it records (store/transaction.ts). Units are serialised (SQLite by design,
 * PostgreSQL by the write lock its adapter takes first), so each reads the true tail;
 * should two ever race, the primary key on `seq` makes the loser roll back instead of
 * forking the chain.
 */
export async function appendAudit(db: Kysely<Database>, event: AuditEvent, at: Date): Promise<AuditEntry> {
  const tail = await db
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const body = {
    seq: (tail?.seq ?? 0) + 1,
    at: at.toISOString(),
    actorType: event.actorType,
    actorId: event.actorId,
    action: event.action,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    details: event.details ?? {},
    prevHash: tail?.hash ?? GENESIS_HASH,
  };
  const entry: AuditEntry = { ...body, hash: await auditEntryHash(body) };
  await db
    .insertInto('audit_log')
    .values({
      seq: entry.seq,
      at: entry.at,
      actor_type: entry.actorType,
      actor_id: entry.actorId,
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId,
      details: JSON.stringify(entry.details),
      prev_hash: entry.prevHash,
      hash: entry.hash,
    })
    .execute();
  await countActivity(db, entry.action, entry.at);
  return entry;
}

export function auditEntryFromRow(row: AuditRow): AuditEntry {
  return {
    seq: Number(row.seq),
    at: row.at,
    actorType: row.actor_type as AuditEntry['actorType'],
    actorId: row.actor_id,
    action: row.action,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    details: JSON.parse(row.details) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export async function listAudit(
  db: Kysely<Database>,
  filter: { subjectId?: string; afterSeq?: number; limit?: number } = {},
): Promise<AuditEntry[]> {
  let query = db.selectFrom('audit_log').selectAll().orderBy('seq', 'asc');
  if (filter.subjectId !== undefined) query = query.where('subject_id', '=', filter.subjectId);
  if (filter.afterSeq !== undefined) query = query.where('seq', '>', filter.afterSeq);
  if (filter.limit !== undefined) query = query.limit(filter.limit);
  return (await query.execute()).map(auditEntryFromRow);
}

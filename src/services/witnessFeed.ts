// The log's side of the C2SP witness protocol (c2sp.org/tlog-witness): the current
// checkpoint is submitted to a witness's add-checkpoint endpoint with a consistency proof
// from the size that witness last cosigned, and the cosignature lines it answers are
// stored like any handed back on POST /log/cosignature. Run by `audit witness` (e.g. from
// cron), so litewitness or omniwitness can witness the log without a feeder of their own.
import {
  parseCheckpointText,
  parseNote,
  parseVerifierKey,
  SignedNoteError,
  toBase64,
} from '../domain/audit/signedNote.js';
import { cosignaturesOf, lastCosignedSize } from '../store/repositories/auditTiles.js';
import type { ServiceContext } from './context.js';
import { acceptCosignatures, signedCheckpoint } from './tlogTiles.js';
import { storedTree } from './transparency.js';

export class WitnessRefusedError extends Error {
  override name = 'WitnessRefusedError';
}

/** The request body of add-checkpoint: old size, proof lines, a blank line, the checkpoint. */
export function addCheckpointBody(oldSize: number, proof: Uint8Array[], note: string): string {
  return `old ${oldSize}\n${proof.map((hash) => `${toBase64(hash)}\n`).join('')}\n${note}`;
}

/**
 * Submits the current checkpoint to the witness at `submissionPrefix` (its key must be one
 * of LOG_WITNESSES) and stores its cosignature. A 409 names the size the witness holds:
 * the proof is made again from there, once.
 */
export async function feedWitness(
  ctx: ServiceContext,
  witness: { vkey: string; submissionPrefix: string },
  send: typeof fetch = fetch,
): Promise<{ treeSize: number; oldSize: number }> {
  if (!ctx.config.transparencyLog.witnesses.includes(witness.vkey)) {
    throw new SignedNoteError('the witness is not one of LOG_WITNESSES');
  }
  const key = parseVerifierKey(witness.vkey);
  const note = await signedCheckpoint(ctx);
  const { text } = parseNote(note);
  const { treeSize } = parseCheckpointText(text);
  let oldSize = await lastCosignedSize(ctx.db, key.name);
  for (let attempt = 0; attempt < 2; attempt++) {
    if (oldSize > treeSize)
      throw new WitnessRefusedError(`the witness holds size ${oldSize}, beyond ${treeSize}`);
    const proof =
      oldSize === 0 || oldSize === treeSize ? [] : await storedTree(ctx.db, treeSize).consistency(oldSize);
    const response = await send(`${witness.submissionPrefix.replace(/\/$/, '')}/add-checkpoint`, {
      method: 'POST',
      body: addCheckpointBody(oldSize, proof, note),
    });
    const answer = await response.text();
    if (response.status === 409 && /^(0|[1-9]\d*)\n$/.test(answer)) {
      oldSize = Number(answer.trim());
      continue;
    }
    if (response.status !== 200) {
      throw new WitnessRefusedError(`the witness answered ${response.status}: ${answer.slice(0, 200)}`);
    }
    await acceptCosignatures(ctx, `${text}\n${answer.endsWith('\n') ? answer : `${answer}\n`}`);
    if (!(await cosignaturesOf(ctx.db, treeSize)).some((c) => c.witness === key.name)) {
      throw new WitnessRefusedError('the witness answered no cosignature of its key');
    }
    return { treeSize, oldSize };
  }
  throw new WitnessRefusedError('the witness kept answering 409');
}

// The whole wallet-link flow in-process against raw viem `verifyMessage`, same run.
// Link: issueWalletChallenge + linkWithSignature (signature check, binding, both
// attestations signed, audit entry, commit), through the service functions on a fresh
// SQLite database; the wallet's own signing is done between the two calls and not timed.
// Raw: viem `verifyMessage` of EIP-4361 messages signed by local accounts.
// The two alternate in rounds so both see the same machine; the result is one JSON line.
//   node --import tsx bench/linkFlow.ts [--seconds 6] [--rounds 3]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Hex, verifyMessage } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/observability/logger.js';
import { assemble } from '../src/runtime/assemble.js';
import type { Session } from '../src/services/sessions.js';
import { issueWalletChallenge, linkWithSignature } from '../src/services/wallets.js';
import { steppedUpSession, syntheticIins } from '../test/helpers/citizens.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '6' }, rounds: { type: 'string', default: '3' } },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const phaseMs = (seconds * 1000) / (2 * rounds);
const PER_IDENTITY = 900;

const dataDir = mkdtempSync(join(tmpdir(), 'wallet-attest-bench-link-'));
const assembled = await assemble(
  loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'error', MAX_BINDINGS_PER_IDENTITY: '1000' }),
  { logger: silentLogger },
);
try {
  const services = assembled.services;
  async function freshSession(): Promise<Session> {
    return (await steppedUpSession(services, syntheticIins(1)[0]!, 'substantial')).session;
  }

  let session = await freshSession();
  let linkedOnSession = 0;
  let linkOps = 0;
  let linkMs = 0;
  const samples: { address: Hex; message: string; signature: Hex }[] = [];

  async function linkOnce(timed: boolean): Promise<void> {
    if (linkedOnSession >= PER_IDENTITY) {
      session = await freshSession();
      linkedOnSession = 0;
    }
    const wallet = privateKeyToAccount(generatePrivateKey());
    const t0 = performance.now();
    const challenge = await issueWalletChallenge(services, session, `eip155:1:${wallet.address}`);
    const t1 = performance.now();
    const signature = await wallet.signMessage({ message: challenge.message });
    const t2 = performance.now();
    const result = await linkWithSignature(services, session, { message: challenge.message, signature });
    const t3 = performance.now();
    if (!result.created) throw new Error('the account was not newly linked');
    linkedOnSession++;
    if (samples.length < 500)
      samples.push({ address: wallet.address, message: challenge.message, signature });
    if (timed) {
      linkOps++;
      linkMs += t1 - t0 + (t3 - t2);
    }
  }

  let rawOps = 0;
  let rawMs = 0;
  async function rawOnce(i: number): Promise<void> {
    const sample = samples[i % samples.length]!;
    const t0 = performance.now();
    const valid = await verifyMessage(sample);
    rawMs += performance.now() - t0;
    if (!valid) throw new Error('raw verification failed');
    rawOps++;
  }

  // Warm-up: JIT, statement caches, and a pool of signed messages for the raw side.
  for (let i = 0; i < 100; i++) await linkOnce(false);
  for (let i = 0; i < 200; i++) await rawOnce(i);
  rawOps = 0;
  rawMs = 0;

  for (let round = 0; round < rounds; round++) {
    let end = performance.now() + phaseMs;
    while (performance.now() < end) await linkOnce(true);
    end = performance.now() + phaseMs;
    for (let i = 0; performance.now() < end; i++) await rawOnce(i);
  }
  const linkPerSecond = linkOps / (linkMs / 1000);
  const rawPerSecond = rawOps / (rawMs / 1000);
  process.stdout.write(
    `${JSON.stringify({
      linkOps,
      linkPerSecond,
      linkMeanMs: linkMs / linkOps,
      rawOps,
      rawPerSecond,
      rawMeanMs: rawMs / rawOps,
      ratio: linkPerSecond / rawPerSecond,
    })}\n`,
  );
} finally {
  await assembled.close();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);

// Crash safety, tried from outside as an operator would: the service runs as its own
// process on a file database (SQLite, or PostgreSQL under TEST_DATABASE=postgres) while
// citizens link, relink and unlink accounts and a regulator system suspends, reinstates
// and revokes them, all at once; it is killed with SIGKILL at a random moment, started
// again on the same data, and so on for several rounds. Every change that got a 2xx
// answer must be there afterwards, a change in flight at the kill either landed whole or
// not at all, no account has two live bindings, and `audit verify` passes.
//
// The choices (accounts, operations, kill moments) come from a seeded generator; the seed
// is printed, and CRASH_SEED=<seed> makes the same choices again (how the concurrent
// requests interleave, and so which account each choice lands on, still varies).
import type { JSONWebKeySet } from 'jose';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { TEST_PERSONS } from '../../src/http/devIdp/testPersons.js';
import { openDatabase } from '../../src/runtime/database.js';
import { verifyWalletAttestation } from '../../src/verifier/index.js';
import {
  buildService,
  type ChildServer,
  killChildren,
  runCli,
  type ServiceBuild,
  type ServiceData,
  serviceData,
  startChildServer,
} from '../helpers/childServer.js';
import { accessHeaders } from '../helpers/regulatorAccess.js';
import { TestBrowser } from '../helpers/server.js';
import { enrolledCitizen, json } from '../http/citizenFlow.js';

const DATABASE = process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';
const ROUNDS = 5;
const WORKERS = 16;
const CITIZENS = 4;
const LEGAL = 'Court of Astana, case 2-777/2026';
const SEED = process.env.CRASH_SEED ? Number(process.env.CRASH_SEED) : Math.floor(Math.random() * 2 ** 32);

type Status = 'active' | 'suspended' | 'revoked';

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return {
    next,
    below: (n: number) => Math.floor(next() * n),
    pick<T>(items: readonly T[]): T | undefined {
      return items.length === 0 ? undefined : items[Math.floor(next() * items.length)];
    },
    privateKey(): `0x${string}` {
      let hex = '';
      for (let i = 0; i < 8; i++)
        hex += Math.floor(next() * 2 ** 32)
          .toString(16)
          .padStart(8, '0');
      return `0x${hex}`;
    },
  };
}
type Generator = ReturnType<typeof generator>;

interface Citizen {
  index: number;
  identityId: string;
  browser: TestBrowser;
}

/** What the test knows of one account: its signer, and its bindings as the service acknowledged them. */
interface Account {
  /** CAIP-10, lower-cased for comparison (the service answers with a checksummed address). */
  key: string;
  caip10: string;
  signer: ReturnType<typeof privateKeyToAccount>;
  citizen: number;
  bindings: { id: string; status: Status }[];
  /** One operation at a time per account, so the expected state is always known. */
  busy: boolean;
  /** An operation sent without an answer (the kill came first): it may or may not have landed. */
  unanswered?: { kind: 'link' } | { kind: 'status'; bindingId: string; to: Status };
}

/** A connection error: the process is gone, the answer never came. */
class NoAnswer extends Error {}

const accounts = new Map<string, Account>();
const citizens: Citizen[] = [];
const unexpected: string[] = [];
const acknowledged = {
  links: 0,
  relinks: 0,
  repeats: 0,
  conflicts: 0,
  suspend: 0,
  reinstate: 0,
  revoke: 0,
  unlink: 0,
};
let unanswered = 0;
let build: ServiceBuild | undefined;
let data: ServiceData;
let server: ChildServer | undefined;
let regulatorKey = '';

async function send(request: () => Promise<Response>): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await request();
  } catch (error) {
    throw new NoAnswer(String(error));
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new NoAnswer(String(error));
  }
  try {
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  } catch {
    return { status: response.status, body: text };
  }
}

function expectStatus(what: string, answer: { status: number; body: unknown }, ...allowed: number[]) {
  if (allowed.includes(answer.status)) return true;
  unexpected.push(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return false;
}

function live(account: Account) {
  return account.bindings.find((binding) => binding.status !== 'revoked');
}

function newAccount(random: Generator, citizen: number): Account {
  const signer = privateKeyToAccount(random.privateKey());
  const caip10 = `eip155:1:${signer.address}`;
  const account: Account = { key: caip10.toLowerCase(), caip10, signer, citizen, bindings: [], busy: false };
  accounts.set(account.key, account);
  return account;
}

async function signedLink(citizen: Citizen, account: Account) {
  const challenge = await send(() =>
    citizen.browser.post('/v1/wallets/challenge', { account: account.caip10 }),
  );
  if (!expectStatus(`challenge for ${account.caip10}`, challenge, 201)) return undefined;
  const { message } = challenge.body as { message: string };
  const signature = await account.signer.signMessage({ message });
  return () => send(() => citizen.browser.post('/v1/wallets/verify', { message, signature }));
}

/** A link by the account's citizen: a fresh account, a relink after revocation, or two proofs for one account at once. */
async function link(account: Account, twice: boolean) {
  const citizen = citizens[account.citizen]!;
  const submits = await Promise.all((twice ? [0, 1] : [0]).map(() => signedLink(citizen, account)));
  if (submits.some((submit) => submit === undefined)) return;
  account.unanswered = { kind: 'link' };
  const settled = await Promise.allSettled(submits.map((submit) => submit!()));
  const answers = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  if (answers.length < settled.length) {
    // One of the pair may have been answered, the other not: either way the account has at most one new binding.
    const acked = answers.find((a) => a.status === 201 || a.status === 200);
    if (acked) {
      const { binding } = acked.body as { binding: { id: string; status: Status } };
      if (!account.bindings.some((b) => b.id === binding.id))
        account.bindings.push({ id: binding.id, status: 'active' });
      account.unanswered = undefined;
    }
    throw (settled.find((s) => s.status === 'rejected') as PromiseRejectedResult).reason;
  }
  account.unanswered = undefined;
  const ids = new Set<string>();
  for (const answer of answers) {
    if (!expectStatus(`link of ${account.caip10}`, answer, 200, 201)) return;
    const { binding } = answer.body as { binding: { id: string; status: string; account: string } };
    if (binding.status !== 'active' || binding.account.toLowerCase() !== account.key)
      unexpected.push(`link of ${account.caip10} answered ${JSON.stringify(binding)}`);
    ids.add(binding.id);
  }
  if (ids.size !== 1) unexpected.push(`two proofs at once made ${ids.size} bindings of ${account.caip10}`);
  const created = answers.filter((a) => a.status === 201).length;
  if (created !== 1)
    unexpected.push(`${created} of ${answers.length} links of ${account.caip10} answered 201`);
  const [id] = ids;
  account.bindings.push({ id: id!, status: 'active' });
  if (twice) acknowledged.repeats++;
  else if (account.bindings.length > 1) acknowledged.relinks++;
  else acknowledged.links++;
}

/** Another citizen proves control of an account someone else holds: refused, and reported. */
async function conflictingLink(random: Generator, account: Account) {
  const others = citizens.filter((c) => c.index !== account.citizen);
  const claimant = random.pick(others)!;
  const submit = await signedLink(claimant, account);
  if (!submit) return;
  const answer = await submit();
  if (expectStatus(`conflicting link of ${account.caip10}`, answer, 409)) acknowledged.conflicts++;
}

async function regulatorAction(account: Account, action: 'suspend' | 'reinstate' | 'revoke') {
  const binding = live(account)!;
  const to: Status = action === 'suspend' ? 'suspended' : action === 'reinstate' ? 'active' : 'revoked';
  const path = { suspend: 'suspensions', reinstate: 'reinstatements', revoke: 'revocations' }[action];
  account.unanswered = { kind: 'status', bindingId: binding.id, to };
  const answer = await send(() =>
    fetch(`${data.baseUrl}/v1/regulator/${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${regulatorKey}`,
        'content-type': 'application/json',
        ...accessHeaders(),
      },
      body: JSON.stringify({ target: { account: account.caip10 }, reason: 'fraud', legalReference: LEGAL }),
    }),
  );
  account.unanswered = undefined;
  if (!expectStatus(`${action} of ${account.caip10}`, answer, 200)) return;
  const { changed } = answer.body as { changed: { bindings: string[] } };
  if (changed.bindings.length !== 1 || changed.bindings[0] !== binding.id)
    unexpected.push(`${action} of ${account.caip10} changed ${JSON.stringify(changed)}, not ${binding.id}`);
  binding.status = to;
  acknowledged[action]++;
}

async function unlink(account: Account) {
  const binding = live(account)!;
  account.unanswered = { kind: 'status', bindingId: binding.id, to: 'revoked' };
  const citizen = citizens[account.citizen]!;
  const answer = await send(() => citizen.browser.request('DELETE', `/v1/wallets/${binding.id}`));
  account.unanswered = undefined;
  if (!expectStatus(`unlink of ${binding.id}`, answer, 200)) return;
  const status = (answer.body as { binding: { status: string } }).binding.status;
  if (status !== 'revoked') unexpected.push(`unlink of ${binding.id} answered status ${status}`);
  binding.status = 'revoked';
  acknowledged.unlink++;
}

/** One operation on an idle account, chosen at random among those its state allows. */
async function step(random: Generator) {
  const idle = [...accounts.values()].filter((a) => !a.busy);
  const roll = random.next();
  let account: Account | undefined;
  let run: (() => Promise<void>) | undefined;
  if (roll < 0.35) {
    // a fresh account: below
  } else if (roll < 0.45) {
    account = random.pick(idle.filter((a) => a.bindings.length > 0 && !live(a)));
    run = () => link(account!, false);
  } else if (roll < 0.5) {
    account = random.pick(idle.filter((a) => live(a)));
    run = () => conflictingLink(random, account!);
  } else if (roll < 0.65) {
    account = random.pick(idle.filter((a) => live(a)?.status === 'active'));
    run = () => regulatorAction(account!, 'suspend');
  } else if (roll < 0.75) {
    account = random.pick(idle.filter((a) => live(a)?.status === 'suspended'));
    run = () => regulatorAction(account!, 'reinstate');
  } else if (roll < 0.85) {
    account = random.pick(idle.filter((a) => live(a)));
    run = () => regulatorAction(account!, 'revoke');
  } else {
    account = random.pick(idle.filter((a) => live(a)?.status === 'active'));
    run = () => unlink(account!);
  }
  if (!account || !run) {
    // A fresh account (also whenever no account is in a state the roll asks for, so every
    // step talks to the service and the workers never spin without yielding).
    account = newAccount(random, random.below(CITIZENS));
    const twice = random.next() < 0.15;
    run = () => link(account!, twice);
  }
  account.busy = true;
  try {
    await run();
  } finally {
    account.busy = false;
  }
}

/** Workers send operations until the process dies under them. */
async function workload(random: Generator, killed: { value: boolean }) {
  const workers = Array.from({ length: WORKERS }, async (_, n) => {
    const own = generator(Math.floor(random.next() * 2 ** 32) + n);
    while (!killed.value) {
      try {
        await step(own);
      } catch (error) {
        if (error instanceof NoAnswer) {
          if (!killed.value) unexpected.push(`no answer while the service ran: ${error.message}`);
          unanswered++;
        } else unexpected.push(`worker failed: ${error instanceof Error ? error.stack : error}`);
        return;
      }
    }
  });
  await Promise.all(workers);
}

interface ServedBinding {
  id: string;
  account: string;
  status: Status;
  attestation?: { id: string; status: string };
}

async function servedBindings(): Promise<(ServedBinding & { citizen: number })[]> {
  const all: (ServedBinding & { citizen: number })[] = [];
  for (const citizen of citizens) {
    const response = await citizen.browser.get('/v1/me');
    expect(response.status, await response.clone().text()).toBe(200);
    const me = await json<{ bindings: ServedBinding[] }>(response);
    for (const binding of me.bindings) all.push({ ...binding, citizen: citizen.index });
  }
  return all;
}

/**
 * After a restart: every acknowledged binding is served with its acknowledged status; an
 * unanswered change either landed or did not; an unanswered link left at most one new
 * binding. The test's view then takes the served state, so the next round checks from there.
 */
async function reconcile(round: number) {
  const served = await servedBindings();
  const byAccount = new Map<string, typeof served>();
  for (const binding of served) {
    const key = binding.account.toLowerCase();
    byAccount.set(key, [...(byAccount.get(key) ?? []), binding]);
  }
  const problems: string[] = [];
  for (const [key, bindings] of byAccount) {
    const account = accounts.get(key);
    if (!account) problems.push(`served binding of an account never linked: ${key}`);
    else if (bindings.some((b) => b.citizen !== account.citizen))
      problems.push(`binding of ${key} served to the wrong citizen`);
    if (bindings.filter((b) => b.status !== 'revoked').length > 1)
      problems.push(`${key} has two live bindings`);
  }
  for (const account of accounts.values()) {
    const bindings = byAccount.get(account.key) ?? [];
    const pending = account.unanswered;
    for (const known of account.bindings) {
      const found = bindings.find((b) => b.id === known.id);
      if (!found) {
        problems.push(`acknowledged binding ${known.id} of ${account.caip10} is gone`);
        continue;
      }
      const allowed = [known.status];
      if (pending?.kind === 'status' && pending.bindingId === known.id) allowed.push(pending.to);
      if (!allowed.includes(found.status))
        problems.push(`binding ${known.id} is ${found.status}; acknowledged ${allowed.join(' or ')}`);
      known.status = found.status;
    }
    const extra = bindings.filter((b) => !account.bindings.some((known) => known.id === b.id));
    if (extra.length > 0) {
      if (pending?.kind !== 'link' || extra.length > 1)
        problems.push(
          `unacknowledged bindings of ${account.caip10}: ${extra.map((b) => `${b.id} ${b.status}`).join(', ')}`,
        );
      for (const binding of extra) account.bindings.push({ id: binding.id, status: binding.status });
    }
    for (const binding of bindings) {
      if (!binding.attestation) problems.push(`binding ${binding.id} is served without an attestation`);
    }
    account.unanswered = undefined;
  }
  expect(problems, `round ${round}, seed ${SEED}`).toEqual([]);
  return served.length;
}

async function start() {
  server = await startChildServer(build!, data);
}

beforeAll(async () => {
  // Bindings pile up over the rounds; the per-identity limit is not what is under test.
  [build, data] = await Promise.all([
    buildService(),
    serviceData(DATABASE, { MAX_BINDINGS_PER_IDENTITY: '1000' }),
  ]);
  const client = await runCli(build, data, [
    'clients',
    'create',
    '--name',
    'Financial Monitoring Agency',
    '--license-no',
    'REG-1',
    '--scopes',
    'regulator:read,regulator:act',
    '--rate',
    '10000',
    '--burst',
    '10000',
  ]);
  expect(client.code, client.stderr).toBe(0);
  regulatorKey = /API key \(shown once, store it now\): (\S+)/.exec(client.stdout)![1]!;
  await start();
  for (const [index, person] of TEST_PERSONS.slice(0, CITIZENS).entries()) {
    const browser = new TestBrowser(data.baseUrl);
    await enrolledCitizen(browser, person.nationalId, data.baseUrl);
    const me = await json<{ identity: { id: string } }>(await browser.get('/v1/me'));
    citizens.push({ index, identityId: me.identity.id, browser });
  }
}, 120_000);

afterAll(async () => {
  await killChildren();
  await data?.remove();
  build?.remove();
});

describe(`crash safety (${DATABASE})`, () => {
  it('keeps every acknowledged change across SIGKILLs, whole, without duplicates, with an intact audit log', {
    timeout: 300_000,
  }, async () => {
    console.log(`crash test on ${DATABASE}: seed ${SEED} (CRASH_SEED=${SEED} repeats it)`);
    const random = generator(SEED);
    for (let round = 1; round <= ROUNDS; round++) {
      const killed = { value: false };
      const running = workload(random, killed);
      // The moment: after a random number of acknowledged changes (so every round does
      // real work however busy the machine is), plus up to a quarter of a second.
      const before = acknowledgedCount();
      const wanted = 10 + random.below(50);
      const deadline = Date.now() + 20_000;
      while (acknowledgedCount() - before < wanted && Date.now() < deadline && unexpected.length === 0)
        await sleep(5);
      await sleep(random.below(250));
      killed.value = true;
      await server!.kill();
      await running;
      expect(unexpected, `round ${round}, seed ${SEED}`).toEqual([]);
      // Between two rounds, once, an operator signs a checkpoint: `audit verify` checks it at the end.
      if (round === 2) {
        const checkpoint = await runCli(build!, data, ['audit', 'checkpoint']);
        expect(checkpoint.code, checkpoint.stderr).toBe(0);
      }
      await start();
      await reconcile(round);
    }

    // Attestations verify as a relying party would, with the status each binding has now.
    const served = await servedBindings();
    const jwks = async () => json<JSONWebKeySet>(await fetch(`${data.baseUrl}/.well-known/jwks.json`));
    const verifierStatus = { active: 'valid', suspended: 'suspended', revoked: 'revoked' } as const;
    const sample = served.filter((_, i) => i % Math.max(1, Math.floor(served.length / 24)) === 0);
    for (const binding of sample) {
      const citizen = citizens[binding.citizen]!;
      const token = await citizen.browser.get(`/v1/wallets/${binding.id}/attestation?format=jwt`);
      expect(token.status).toBe(200);
      const verdict = await verifyWalletAttestation(await token.text(), {
        issuer: data.baseUrl,
        jwks,
        fetch,
        now: new Date(),
      });
      expect(verdict.status, `binding ${binding.id}, seed ${SEED}`).toBe(verifierStatus[binding.status]);
    }
    expect(await server!.stop()).toBe(0);

    // The database itself, read after a clean stop: nothing half-written.
    const db = await openDatabase(loadConfig(data.env));
    try {
      const bindings = await db.selectFrom('bindings').selectAll().execute();
      const attestations = await db.selectFrom('attestations').select(['binding_id', 'status']).execute();
      const audit = await db
        .selectFrom('audit_log')
        .select(['seq', 'action', 'subject_id'])
        .where('subject_type', '=', 'binding')
        .orderBy('seq')
        .execute();
      const known = new Map([...accounts.values()].flatMap((a) => a.bindings.map((b) => [b.id, b.status])));
      expect(bindings.length, `seed ${SEED}`).toBe(known.size);
      const problems: string[] = [];
      const liveAccounts = new Set<string>();
      const attestationStatus = { active: 'valid', suspended: 'suspended', revoked: 'invalid' } as const;
      for (const binding of bindings) {
        if (known.get(binding.id) !== binding.status)
          problems.push(
            `binding ${binding.id} is ${binding.status} in the database, ${known.get(binding.id)} as served`,
          );
        if (binding.status !== 'revoked') {
          if (liveAccounts.has(binding.account)) problems.push(`${binding.account} has two live bindings`);
          liveAccounts.add(binding.account);
        }
        const own = attestations.filter((a) => a.binding_id === binding.id);
        if (own.length !== 1) problems.push(`binding ${binding.id} has ${own.length} attestations`);
        const wanted = attestationStatus[binding.status as Status];
        if (own.some((a) => a.status !== wanted))
          problems.push(
            `binding ${binding.id} is ${binding.status} but its attestation is ${own[0]?.status}`,
          );
        // Replaying its audit entries must give the binding's status: every change was audited with it.
        const entries = audit.filter((e) => e.subject_id === binding.id).map((e) => e.action);
        let replayed: string | undefined;
        for (const action of entries) {
          const next: Record<string, [string | undefined, string][]> = {
            'binding.created': [[undefined, 'active']],
            'binding.suspended': [['active', 'suspended']],
            'binding.reinstated': [['suspended', 'active']],
            'binding.revoked': [
              ['active', 'revoked'],
              ['suspended', 'revoked'],
            ],
          };
          const rule = next[action]?.find(([from]) => from === replayed);
          if (!rule) {
            problems.push(`binding ${binding.id}: audit entry ${action} after ${replayed ?? 'nothing'}`);
            break;
          }
          replayed = rule[1];
        }
        if (replayed !== binding.status)
          problems.push(`binding ${binding.id} is ${binding.status}; its audit entries say ${replayed}`);
      }
      const orphans = audit.filter((e) => !bindings.some((b) => b.id === e.subject_id));
      if (orphans.length > 0) problems.push(`audit entries of bindings that do not exist: ${orphans.length}`);
      // A refused claim is a conflict report and its audit entry, or neither.
      const reports = (await db.selectFrom('conflict_reports').select('id').execute()).map((r) => r.id);
      const reported = (
        await db
          .selectFrom('audit_log')
          .select('subject_id')
          .where('action', '=', 'binding.conflict')
          .execute()
      ).map((e) => e.subject_id);
      if (reports.length < acknowledged.conflicts)
        problems.push(`${acknowledged.conflicts} claims refused, ${reports.length} conflict reports`);
      if ([...reports].sort().join() !== [...reported].sort().join())
        problems.push(`conflict reports ${reports.length} and their audit entries ${reported.length} differ`);
      expect(problems, `seed ${SEED}`).toEqual([]);
    } finally {
      await db.destroy();
    }

    expect(acknowledgedCount(), 'changes acknowledged over all rounds').toBeGreaterThanOrEqual(ROUNDS * 10);

    const verify = await runCli(build!, data, ['audit', 'verify']);
    expect(verify.code, `${verify.stdout}${verify.stderr}`).toBe(0);
    expect(verify.stdout).toMatch(/Audit log intact: \d+ entries; .* [1-9]\d* signed checkpoints verified/);

    console.log(
      `crash test on ${DATABASE}: ${ROUNDS} kills; acknowledged ${JSON.stringify(acknowledged)}; ` +
        `${unanswered} requests unanswered at a kill; ${bindingCount()} bindings at the end`,
    );
  });
});

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function acknowledgedCount() {
  return Object.values(acknowledged).reduce((sum, n) => sum + n, 0);
}

function bindingCount() {
  return [...accounts.values()].reduce((sum, account) => sum + account.bindings.length, 0);
}

// Operator CLI: `npm run cli -- <command>`.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/config.js';
import { hashToken, newToken } from '../crypto/tokens.js';
import { ProblemError } from '../domain/errors.js';
import { silentLogger } from '../observability/logger.js';
import { assemble } from '../runtime/assemble.js';
import { openDatabase } from '../runtime/database.js';
import { openKeyStore, rotateSigningKey } from '../runtime/fileKeyStore.js';
import { currentCheckpoint, verifyAuditLog } from '../services/transparency.js';
import { feedWitness } from '../services/witnessFeed.js';
import { migrateToLatest } from '../store/migrate.js';
import { localOperator, OperatorApiError, type OperatorBackend, remoteOperator } from './operatorBackend.js';
import { SEED_USAGE, seedCommand } from './seed.js';

const USAGE = `Usage: wallet-attest <command>

Commands:
  migrate          apply every pending database migration
  audit verify [--issuer <url>]
                   recompute the audit hash chain and Merkle tree, check every signed
                   checkpoint; report the first break and each failing checkpoint
                   (the issuer is the one the checkpoints name; --issuer requires one)
  audit checkpoint sign (and store) a checkpoint of the audit log as it is now
  audit witness --vkey <witness vkey> --url <submission prefix>
                   submit the log's checkpoint to a witness (c2sp.org/tlog-witness
                   add-checkpoint, e.g. litewitness) and store its cosignature; the
                   witness must be in LOG_WITNESSES (run it on a schedule)
  keys list        list the attestation signing keys (public parts) and the attester address
  keys rotate      make a new signing key current; the old one stays published until its
                   tokens expire (recorded in the audit log as keys.rotated)
  clients create --name <name> --license-no <no> --scopes <a,b> [--rate <per second>] [--burst <n>]
                   create an exchange API client; prints its key once
                   (scopes: attestations:read, identity:match, webhooks:manage)
  clients list     list exchange API clients (never their keys)
  clients revoke <client id>
                   revoke a client's key (every instance on PostgreSQL refuses it within
                   a second; a running SQLite service within 30 seconds)
                   (a regulator system gets a client with scopes regulator:read,regulator:act)
  regulators add <national ID>
                   give the regulator role to an identity (the officer verifies first)
  regulators remove <national ID>
                   take the role away
  regulators list  list officers
  operator token   make a token for the operator API and print the OPERATOR_TOKEN_SHA256
                   the service is given (the token itself is shown once)

With OPERATOR_URL (and OPERATOR_TOKEN) set, the clients and regulators commands act on
that running service through its operator API instead of opening the database: the way
to a Worker's Durable Object (docs/deploy.md).
${SEED_USAGE}`;

type Config = ReturnType<typeof loadConfig>;

/** The database this CLI opens, or with OPERATOR_URL a running service's operator API. */
function operatorBackend(config: Config): OperatorBackend {
  const url = process.env.OPERATOR_URL?.trim();
  if (!url) return localOperator(config);
  const token = process.env.OPERATOR_TOKEN?.trim();
  if (!token) throw new OperatorApiError('OPERATOR_URL is set: give the operator token as OPERATOR_TOKEN');
  if (!/^https?:\/\/[^/]/.test(url)) throw new OperatorApiError('OPERATOR_URL must be an http(s) URL');
  return remoteOperator(url, token);
}

async function withDatabase<T>(
  config: Config,
  work: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>,
) {
  const db = await openDatabase(config);
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

async function withServices<T>(
  config: Config,
  work: (app: Awaited<ReturnType<typeof assemble>>) => Promise<T>,
) {
  const assembled = await assemble(config, { logger: silentLogger });
  try {
    return await work(assembled);
  } finally {
    await assembled.close();
  }
}

async function clients(config: Config, operator: OperatorBackend, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'create') {
    const { values } = parseArgs({
      args: rest,
      options: {
        name: { type: 'string' },
        'license-no': { type: 'string' },
        scopes: { type: 'string' },
        rate: { type: 'string' },
        burst: { type: 'string' },
      },
    });
    const rate = values.rate ?? values.burst;
    const { client, key } = await operator.createClient({
      name: values.name ?? '',
      licenseNo: values['license-no'] ?? '',
      scopes: (values.scopes ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      ...(rate !== undefined
        ? {
            rate: {
              perSecond: Number(values.rate ?? config.exchange.defaultRate.perSecond),
              burst: Number(values.burst ?? config.exchange.defaultRate.burst),
            },
          }
        : {}),
    });
    console.log(`Client ${client.id} (${client.name}, licence ${client.licenseNo})`);
    console.log(
      `Scopes: ${client.scopes.join(', ')}; rate ${client.rate.perSecond}/s, burst ${client.rate.burst}`,
    );
    console.log(`API key (shown once, store it now): ${key}`);
    return 0;
  }
  if (sub === 'list') {
    for (const client of await operator.listClients()) {
      console.log(
        `${client.id}  ${client.keyPrefix}  ${client.status}  ${client.name}  licence ${client.licenseNo}  ${client.scopes.join(',')}`,
      );
    }
    return 0;
  }
  if (sub === 'revoke' && rest.length === 1) {
    const client = await operator.revokeClient(rest[0]!);
    console.log(`Client ${client.id} revoked at ${client.revokedAt}`);
    return 0;
  }
  process.stderr.write(`Unknown clients command\n\n${USAGE}`);
  return 64;
}

async function regulators(operator: OperatorBackend, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if ((sub === 'add' || sub === 'remove') && rest.length === 1) {
    const { identityId, changed } = await operator.setRegulatorRole(rest[0]!, sub === 'add');
    console.log(
      `${changed ? (sub === 'add' ? 'Granted' : 'Removed') : 'Unchanged:'} regulator role ${sub === 'add' ? 'to' : 'of'} identity ${identityId}`,
    );
    return 0;
  }
  if (sub === 'list') {
    for (const officer of await operator.listOfficers()) {
      console.log(
        `${officer.identityId}  ${officer.givenName ?? ''} ${officer.familyName ?? ''}${officer.nationalId ? `  ${officer.nationalId}` : ''}`,
      );
    }
    return 0;
  }
  process.stderr.write(`Unknown regulators command\n\n${USAGE}`);
  return 64;
}

async function run(args: string[]): Promise<number> {
  const command = args.slice(0, 2).join(' ');
  if (args.length === 0 || args[0] === 'help' || args[0] === '--help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command === 'operator token') {
    // Made here, shown once: the service is given only its SHA-256.
    const token = newToken(32);
    console.log(`Operator token (shown once, keep it where the operators keep secrets): ${token}`);
    console.log(`OPERATOR_TOKEN_SHA256=${await hashToken(token)}`);
    return 0;
  }
  const config = loadConfig(process.env);
  if (args[0] === 'clients') return clients(config, operatorBackend(config), args.slice(1));
  if (args[0] === 'regulators') return regulators(operatorBackend(config), args.slice(1));
  if (args[0] === 'seed') return seedCommand(config, args.slice(1));
  switch (args.length === 1 ? args[0] : command) {
    case 'migrate':
      return withDatabase(config, async (db) => {
        const { applied } = await migrateToLatest(db);
        console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Already up to date');
        return 0;
      });
    case 'audit verify': {
      const { values } = parseArgs({ args: args.slice(2), options: { issuer: { type: 'string' } } });
      return withDatabase(config, async (db) => {
        // Every key the store holds, retired ones too: old checkpoints were signed with them.
        const keys = await (await openKeyStore(config, new Date())).signingKeys();
        // The issuer is the one the signed checkpoints name, unless --issuer asks for one.
        const report = await verifyAuditLog(db, { keys: keys.map((key) => key.jwk) }, values.issuer);
        let ok = true;
        if (report.chainBreak) {
          ok = false;
          console.error(`Audit chain broken at entry ${report.chainBreak.seq}: ${report.chainBreak.problem}`);
        }
        for (const checkpoint of report.checkpoints) {
          if (!checkpoint.ok) {
            ok = false;
            console.error(`Checkpoint at tree size ${checkpoint.treeSize} fails: ${checkpoint.problem}`);
          }
        }
        if (!report.tiles.ok) {
          ok = false;
          console.error(`Tiles at tree size ${report.tiles.treeSize} fail: ${report.tiles.problem}`);
        }
        if (ok) {
          const issuers = report.issuers.length > 0 ? ` (issuer ${report.issuers.join(', ')})` : '';
          console.log(
            `Audit log intact: ${report.entries} entries; chain and Merkle tree recomputed; tiles of ${report.tiles.treeSize} entries rebuilt and compared; ${report.checkpoints.length} signed checkpoints verified${issuers}`,
          );
        }
        return ok ? 0 : 1;
      });
    }
    case 'audit witness': {
      const { values } = parseArgs({
        args: args.slice(2),
        options: { vkey: { type: 'string' }, url: { type: 'string' } },
      });
      if (!values.vkey || !values.url) {
        console.error('audit witness needs --vkey <witness vkey> and --url <submission prefix>');
        return 2;
      }
      const { vkey, url } = values;
      const fed = await withServices(config, ({ services }) =>
        feedWitness(services, { vkey, submissionPrefix: url }),
      );
      console.log(`Cosigned by ${vkey.split('+')[0]}: tree size ${fed.treeSize} (from ${fed.oldSize})`);
      return 0;
    }
    case 'audit checkpoint': {
      const checkpoint = await withServices(config, ({ services }) => currentCheckpoint(services));
      console.log(
        `Checkpoint: tree size ${checkpoint.treeSize}, root ${checkpoint.rootHash}, signed ${checkpoint.issuedAt}`,
      );
      return 0;
    }
    case 'keys list': {
      const store = await openKeyStore(config, new Date());
      for (const key of await store.signingKeys()) {
        const state = key.retiredAt ? `retired ${key.retiredAt}` : 'current';
        console.log(`${key.kid}  ${key.alg}  created ${key.createdAt}  ${state}`);
      }
      console.log(`attester ${await store.attesterAddress()}`);
      return 0;
    }
    case 'keys rotate': {
      // Like the commands that assemble the services, bring the schema up to date first:
      // the rotation's audit entry needs the audit log.
      const { kid, retiredKid } = await withDatabase(config, async (db) => {
        await migrateToLatest(db);
        return rotateSigningKey(config, new Date(), db);
      });
      console.log(`New signing key ${kid}${retiredKid ? `; ${retiredKid} retired` : ''}`);
      return 0;
    }
    default:
      process.stderr.write(`Unknown command: ${args.join(' ')}\n\n${USAGE}`);
      return 64; // EX_USAGE
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) console.error(error.message);
    else if (error instanceof ProblemError) console.error(`${error.title}: ${error.message}`);
    else if (error instanceof OperatorApiError) console.error(error.message);
    else console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

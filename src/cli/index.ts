// Operator CLI: `npm run cli -- <command>`.
import { ConfigError, loadConfig } from '../config/config.js';
import { findChainBreak } from '../domain/audit/auditChain.js';
import { openDatabase } from '../runtime/database.js';
import { openKeyStore, rotateSigningKey } from '../runtime/fileKeyStore.js';
import { migrateToLatest } from '../store/migrate.js';
import { listAudit } from '../store/repositories/auditLog.js';

const USAGE = `Usage: wallet-attest <command>

Commands:
  migrate        apply every pending database migration
  audit verify   recompute the audit hash chain and report the first break
  keys list      list the attestation signing keys (public parts) and the attester address
  keys rotate    make a new signing key current; the old one stays published until its
                 tokens expire
`;

async function run(args: string[]): Promise<number> {
  const command = args.join(' ');
  if (command === '' || command === 'help' || command === '--help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const config = loadConfig(process.env);
  const db = await openDatabase(config);
  try {
    switch (command) {
      case 'migrate': {
        const { applied } = await migrateToLatest(db);
        console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Already up to date');
        return 0;
      }
      case 'audit verify': {
        const entries = await listAudit(db);
        const problem = await findChainBreak(entries);
        if (problem) {
          console.error(`Audit chain broken at entry ${problem.seq}: ${problem.problem}`);
          return 1;
        }
        console.log(`Audit chain intact: ${entries.length} entries`);
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
        const { kid, retiredKid } = await rotateSigningKey(config, new Date());
        console.log(`New signing key ${kid}${retiredKid ? `; ${retiredKid} retired` : ''}`);
        return 0;
      }
      default:
        process.stderr.write(`Unknown command: ${command}\n\n${USAGE}`);
        return 64; // EX_USAGE
    }
  } finally {
    await db.destroy();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      error instanceof ConfigError ? error.message : error instanceof Error ? error.message : error,
    );
    process.exit(1);
  },
);

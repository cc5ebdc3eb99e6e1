// Compiles every contracts/**/*.sol with solc-js (the npm `solc` package: no compiler
// download) and writes contracts/build/<ContractName>.json =
// { contractName, sourceName, abi, bytecode }, and the deployable contracts of contracts/
// (not those of its subfolders) as a typed module for viem, src/chains/contracts.generated.ts.
// Imports of `@scope/package/...` resolve to node_modules (EAS, OpenZeppelin); only the
// contracts of contracts/ get build files. Run it after editing a contract:
//   npm run contracts:build
// A test (test/chain/contracts.test.ts) fails when the committed build files are stale.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CONTRACTS_DIR = join(ROOT, 'contracts');
export const BUILD_DIR = join(CONTRACTS_DIR, 'build');
export const TYPED_MODULE = join(ROOT, 'src', 'chains', 'contracts.generated.ts');

/**
 * Compiler settings. `cancun` bytecode runs on every chain the service targets and on the
 * test chain (hardhat 2.29 defaults to osaka, a superset); the optimizer matches what a
 * deployment of the registry would use.
 */
export const SOLC_SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'cancun',
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
} as const;

interface SolcError {
  severity: 'error' | 'warning' | 'info';
  formattedMessage: string;
}

interface SolcOutput {
  errors?: SolcError[];
  contracts?: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
}

interface Solc {
  compile(
    input: string,
    callbacks?: { import(path: string): { contents: string } | { error: string } },
  ): string;
  version(): string;
}

export interface CompileResult {
  /** Build file contents by file name (`<ContractName>.json`), sorted by name. */
  files: Map<string, string>;
  /** Contents of src/chains/contracts.generated.ts. */
  typedModule: string;
  /** Compiler warnings, formatted; they do not fail the build. */
  warnings: string[];
  solcVersion: string;
}

/** contracts/**\/*.sol except contracts/build, as sorted '/'-separated paths relative to the project root. */
function findSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return path === BUILD_DIR ? [] : findSources(path);
      return entry.isFile() && entry.name.endsWith('.sol') ? [path] : [];
    })
    .sort();
}

/** Compiles every contract; throws with the compiler's messages on any error. Writes nothing. */
export function compileContracts(): CompileResult {
  const solc = createRequire(import.meta.url)('solc') as Solc;
  const sources = Object.fromEntries(
    findSources(CONTRACTS_DIR).map((path) => [
      relative(ROOT, path).split(sep).join('/'),
      { content: readFileSync(path, 'utf8') },
    ]),
  );
  if (Object.keys(sources).length === 0) throw new Error(`No .sol files under ${CONTRACTS_DIR}`);

  const input = { language: 'Solidity', sources, settings: SOLC_SETTINGS };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: readImport })) as SolcOutput;
  const diagnostics = output.errors ?? [];
  const errors = diagnostics.filter((e) => e.severity === 'error');
  if (errors.length > 0) {
    throw new Error(
      `solc ${solc.version()} failed:\n${errors.map((e) => e.formattedMessage.trimEnd()).join('\n\n')}`,
    );
  }

  const artifacts: [string, string][] = [];
  const seen = new Map<string, string>();
  const deployable: { contractName: string; abi: unknown[]; bytecode: string }[] = [];
  for (const [sourceName, contracts] of Object.entries(output.contracts ?? {})) {
    if (!sourceName.startsWith('contracts/')) continue; // a library's contract, imported
    for (const [contractName, contract] of Object.entries(contracts)) {
      const clash = seen.get(contractName);
      if (clash) {
        throw new Error(`Two contracts are named ${contractName} (${clash} and ${sourceName})`);
      }
      seen.set(contractName, sourceName);
      const artifact = {
        contractName,
        sourceName,
        abi: contract.abi,
        bytecode: `0x${contract.evm.bytecode.object}`,
      };
      artifacts.push([`${contractName}.json`, `${JSON.stringify(artifact, null, 2)}\n`]);
      if (!sourceName.startsWith('contracts/test/') && contract.evm.bytecode.object !== '') {
        deployable.push({ contractName, abi: contract.abi, bytecode: artifact.bytecode });
      }
    }
  }
  artifacts.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  deployable.sort((a, b) => (a.contractName < b.contractName ? -1 : 1));
  return {
    files: new Map(artifacts),
    typedModule: typedModule(deployable),
    warnings: diagnostics.filter((e) => e.severity === 'warning').map((e) => e.formattedMessage.trimEnd()),
    solcVersion: solc.version(),
  };
}

/** Reads an imported source from node_modules (`@scope/package/path.sol`). */
function readImport(path: string): { contents: string } | { error: string } {
  const file = resolve(ROOT, 'node_modules', path);
  if (!file.startsWith(join(ROOT, 'node_modules') + sep))
    return { error: `Import outside node_modules: ${path}` };
  try {
    return { contents: readFileSync(file, 'utf8') };
  } catch {
    return { error: `Cannot read ${path} from node_modules` };
  }
}

const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

/** The typed module: each contract's ABI `as const` (viem infers argument types) and bytecode. */
function typedModule(contracts: { contractName: string; abi: unknown[]; bytecode: string }[]): string {
  const lines = [
    '// biome-ignore-all format: generated by scripts/compile-contracts.ts (npm run contracts:build)',
    '// ABIs and creation bytecode of the contracts in contracts/, from the same compile as',
    '// contracts/build. A test fails when this file is stale; do not edit it by hand.',
  ];
  for (const { contractName, abi, bytecode } of contracts) {
    const name = lowerFirst(contractName);
    lines.push(
      '',
      `export const ${name}Abi = ${JSON.stringify(abi, null, 2)} as const;`,
      '',
      `export const ${name}Bytecode = '${bytecode}' as const;`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The build files currently in contracts/build, by file name. */
export function readBuildFiles(): Map<string, string> {
  const names = readdirSync(BUILD_DIR, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => entry.name)
    .sort();
  return new Map(names.map((name) => [name, readFileSync(join(BUILD_DIR, name), 'utf8')]));
}

/** Compiles and rewrites contracts/build, removing build files of contracts that no longer exist. */
export function writeBuildFiles(): CompileResult {
  const result = compileContracts();
  mkdirSync(BUILD_DIR, { recursive: true });
  for (const name of readBuildFiles().keys()) {
    if (!result.files.has(name)) rmSync(join(BUILD_DIR, name));
  }
  for (const [name, content] of result.files) writeFileSync(join(BUILD_DIR, name), content);
  writeFileSync(TYPED_MODULE, result.typedModule);
  return result;
}

const invokedPath = process.argv[1];
if (invokedPath && resolve(invokedPath) === fileURLToPath(import.meta.url)) {
  try {
    const { files, warnings, solcVersion } = writeBuildFiles();
    for (const warning of warnings) console.warn(warning);
    console.log(
      `solc ${solcVersion}: wrote ${files.size} files to ${relative(ROOT, BUILD_DIR)}/ and ${relative(ROOT, TYPED_MODULE)}`,
    );
    for (const name of files.keys()) console.log(`  ${name}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}

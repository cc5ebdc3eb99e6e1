// CAIP-122 ("Sign in with X") messages for the namespaces other than eip155, whose
// EIP-4361 messages are the same layout with "Ethereum". The service writes the fields
// below and nothing else; a submitted message must equal the issued one byte for byte,
// and the parser only serves to name the fields that differ.
import { keccak256, sha256, stringToBytes } from 'viem';
import type { ChallengeFormat, ChallengeParameters } from './namespace.js';

export interface Caip122Message {
  domain: string;
  address: string;
  statement: string;
  uri: string;
  version: string;
  chainId: string;
  nonce: string;
  issuedAt: string;
  expirationTime: string;
}

const FIELDS: readonly (keyof Caip122Message)[] = [
  'domain',
  'address',
  'statement',
  'uri',
  'version',
  'chainId',
  'nonce',
  'issuedAt',
  'expirationTime',
];

export function challengeStatement(serviceName: string, domain: string): string {
  return (
    `Link this account to my verified identity at ${serviceName} (${domain}). ` +
    'Signing proves that I control the account; it authorises no transaction and no payment.'
  );
}

/** The message's fields for a challenge; `chainId` as the namespace writes it. */
export function caip122Fields(p: ChallengeParameters, chainId: string): Caip122Message {
  return {
    domain: p.domain,
    address: p.account.address,
    statement: challengeStatement(p.serviceName, p.domain),
    uri: p.uri,
    version: '1',
    chainId,
    nonce: p.nonce,
    issuedAt: p.issuedAt.toISOString(),
    expirationTime: p.expiresAt.toISOString(),
  };
}

export function writeCaip122(blockchain: string, m: Caip122Message): string {
  return [
    `${m.domain} wants you to sign in with your ${blockchain} account:`,
    m.address,
    '',
    m.statement,
    '',
    `URI: ${m.uri}`,
    `Version: ${m.version}`,
    `Chain ID: ${m.chainId}`,
    `Nonce: ${m.nonce}`,
    `Issued At: ${m.issuedAt}`,
    `Expiration Time: ${m.expirationTime}`,
  ].join('\n');
}

const LABELS: Readonly<Record<string, keyof Caip122Message>> = {
  URI: 'uri',
  Version: 'version',
  'Chain ID': 'chainId',
  Nonce: 'nonce',
  'Issued At': 'issuedAt',
  'Expiration Time': 'expirationTime',
};

/** Reads what it can of a message; lenient, since it only explains a mismatch. */
export function readCaip122(blockchain: string, text: string): Partial<Caip122Message> {
  const lines = text.split(/\r?\n/);
  const read: Partial<Caip122Message> = {};
  const header = / wants you to sign in with your (.+) account:$/.exec(lines[0] ?? '');
  if (header && header[1] === blockchain) read.domain = lines[0]!.slice(0, header.index);
  if (lines[1] !== undefined) read.address = lines[1];
  const statement: string[] = [];
  for (const line of lines.slice(2)) {
    const labelled = /^([A-Za-z ]+): (.*)$/.exec(line);
    const field = labelled ? LABELS[labelled[1]!] : undefined;
    if (field) read[field] = labelled![2]!;
    else if (line !== '' && read.uri === undefined) statement.push(line);
  }
  if (statement.length > 0) read.statement = statement.join('\n');
  return read;
}

/** A ChallengeFormat writing CAIP-122 messages for `blockchain`; `digest` is SHA-256 unless given. */
export function caip122Format(
  blockchain: string,
  chainIdOf: (p: ChallengeParameters) => string,
  options: { digest?: 'sha256' | 'keccak256'; write?: (m: Caip122Message) => string } = {},
): ChallengeFormat {
  const write = options.write ?? ((m: Caip122Message) => writeCaip122(blockchain, m));
  return {
    build: (p) => write(caip122Fields(p, chainIdOf(p))),
    nonceOf: (message) => {
      const nonce = /^Nonce: ([A-Za-z0-9]{8,})$/m.exec(message)?.[1];
      return nonce && message.includes(` wants you to sign in with your ${blockchain} account:`)
        ? nonce
        : undefined;
    },
    differingFields: (issued, submitted) => {
      const a = readCaip122(blockchain, issued);
      const b = readCaip122(blockchain, submitted);
      return FIELDS.filter((field) => a[field] !== b[field]);
    },
    digest: (message) =>
      options.digest === 'keccak256' ? keccak256(stringToBytes(message)) : sha256(stringToBytes(message)),
  };
}

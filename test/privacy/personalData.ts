// Finds a person's data in an HTTP answer in the forms it could take there: plain, in JSON
// (escapes undone), in the payload of a JWT anywhere in the text, in hex (ABI-encoded EIP-712
// data), in headers, and in binary bodies read as text.

export interface Person {
  nationalId: string;
  givenName: string;
  familyName: string;
  /** YYYY-MM-DD */
  birthDate: string;
  identityId: string;
}

export interface PersonalForm {
  what: string;
  pattern: RegExp;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const literal = (what: string, text: string, flags = ''): PersonalForm => ({
  what,
  pattern: new RegExp(escapeRegExp(text), flags),
});
/** Short digit runs count only standing alone, so they are not found inside hashes or hex. */
const standalone = (what: string, text: string): PersonalForm => ({
  what,
  pattern: new RegExp(`(?<![0-9A-Za-z])${escapeRegExp(text)}(?![0-9A-Za-z])`),
});

/** The forms to look for; `extra` adds stored identifiers of the person (hashes, handles). */
export function personalForms(person: Person, extra: Record<string, string> = {}): PersonalForm[] {
  const [year, month, day] = person.birthDate.split('-') as [string, string, string];
  const birthUnix = String(Date.UTC(Number(year), Number(month) - 1, Number(day)) / 1000);
  return [
    literal('national ID', person.nationalId),
    literal('national ID as a hex number', BigInt(person.nationalId).toString(16), 'i'),
    literal('national ID hint', `••••••••${person.nationalId.slice(-4)}`),
    literal('given name', person.givenName, 'i'),
    literal('family name', person.familyName, 'i'),
    literal('birth date (ISO)', person.birthDate),
    literal('birth date (DD.MM.YYYY)', `${day}.${month}.${year}`),
    literal('birth date (DD/MM/YYYY)', `${day}/${month}/${year}`),
    literal('birth date (MM/DD/YYYY)', `${month}/${day}/${year}`),
    literal('birth date (YYYY/MM/DD)', `${year}/${month}/${day}`),
    literal('birth date (YYYYMMDD)', `${year}${month}${day}`),
    standalone('birth date (YYMMDD)', `${year.slice(2)}${month}${day}`),
    standalone('birth date (Unix time)', birthUnix),
    literal('identity ID', person.identityId),
    ...Object.entries(extra).map(([what, value]) => literal(what, value)),
  ];
}

const JWT = /[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;
const HEX = /0x((?:[0-9a-fA-F]{2})+)/g;

function jsonStrings(value: unknown, out: string[]) {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) jsonStrings(item, out);
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      out.push(key);
      jsonStrings(inner, out);
    }
  }
}

/** The text and every text hidden in it (JSON strings, JWT headers and payloads, hex), to a depth. */
export function readableForms(text: string, depth = 3): string[] {
  const forms = [text];
  if (depth === 0) return forms;
  try {
    const strings: string[] = [];
    jsonStrings(JSON.parse(text), strings);
    forms.push(strings.join('\n'));
  } catch {
    // Not JSON: read as it is.
  }
  const hidden: string[] = [];
  for (const [token] of text.matchAll(JWT)) {
    for (const part of token.split('.').slice(0, 2))
      hidden.push(Buffer.from(part, 'base64url').toString('utf8'));
  }
  for (const [, hex] of text.matchAll(HEX)) {
    const bytes = Buffer.from(hex!, 'hex');
    hidden.push(bytes.toString('utf8'), bytes.toString('latin1'));
  }
  for (const inner of hidden) forms.push(...readableForms(inner, depth - 1));
  return forms;
}

/** What of the person an answer (status line aside: headers and body) shows. */
export function personalDataIn(
  forms: PersonalForm[],
  headers: Iterable<[string, string]>,
  body: Uint8Array,
): string[] {
  const headerText = [...headers].map(([name, value]) => `${name}: ${value}`).join('\n');
  const bytes = Buffer.from(body);
  const texts = [
    ...readableForms(headerText),
    ...readableForms(bytes.toString('utf8')),
    // Binary bodies (tiles) with an ASCII string in them.
    bytes.toString('latin1'),
  ];
  return forms.filter((form) => texts.some((text) => form.pattern.test(text))).map((form) => form.what);
}

/** The same, for a request an exchange was sent (a webhook delivery, with Node's header record). */
export function personalDataInRequest(
  forms: PersonalForm[],
  headers: Record<string, string | string[] | undefined>,
  body: string,
): string[] {
  const pairs = Object.entries(headers).map(([name, value]): [string, string] => [name, String(value)]);
  return personalDataIn(forms, pairs, new TextEncoder().encode(body));
}

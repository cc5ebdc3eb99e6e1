// The message catalogue: one per language (src/i18n/<locale>/), each a set of area files
// whose keys are typed from the English one, so a key missing in any language is a type
// error. Messages are plain strings with {name} placeholders; no plural forms (texts are
// phrased so that none are needed), and numbers and dates go through Intl.
import { en } from './en/index.js';
import { kk } from './kk/index.js';
import { INTL_TAGS, type Locale } from './locale.js';
import { ru } from './ru/index.js';

export type MessageKey = keyof typeof en;
export type Catalogue = Record<MessageKey, string>;
export type MessageParams = Record<string, string | number>;

export const CATALOGUES: Record<Locale, Catalogue> = { en, ru, kk };

export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

/** The message for `key` in `locale`, with each {name} replaced by its parameter. */
export function t(locale: Locale, key: MessageKey, params: MessageParams = {}): string {
  return interpolate(locale, CATALOGUES[locale][key], params);
}

export function interpolate(locale: Locale, text: string, params: MessageParams): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(locale, value) : value;
  });
}

/** The messages whose keys start with one of `prefixes` (what a page's script needs). */
export function messagesWithPrefixes(locale: Locale, prefixes: readonly string[]): Record<string, string> {
  const catalogue = CATALOGUES[locale];
  const selected: Record<string, string> = {};
  for (const key of Object.keys(catalogue) as MessageKey[]) {
    if (prefixes.some((prefix) => key.startsWith(prefix))) selected[key] = catalogue[key];
  }
  return selected;
}

export function formatNumber(locale: Locale, value: number): string {
  return new Intl.NumberFormat(INTL_TAGS[locale]).format(value);
}

/** A date (and time) as people read it, in the deployment's time zone. */
export function formatDate(
  locale: Locale,
  iso: string | Date,
  options: { time?: boolean; timeZone?: string } = {},
): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) return String(iso);
  return new Intl.DateTimeFormat(INTL_TAGS[locale], {
    dateStyle: 'long',
    ...(options.time ? { timeStyle: 'short' } : {}),
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
  }).format(date);
}

// The message catalogue is complete and lean: every key has a real text in every
// language, with the same placeholders; every key is used somewhere in the code; every
// key the code names exists; and every problem type the service can return has a title
// (the English one being the type's own) and a human explanation.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as errors from '../../src/domain/errors.js';
import { CATALOGUES, type MessageKey } from '../../src/i18n/catalogue.js';
import { LOCALES } from '../../src/i18n/locale.js';

const ROOT = join(import.meta.dirname, '..', '..');
const english = CATALOGUES.en;
const KEYS = Object.keys(english) as MessageKey[];

/**
 * Texts that are the same in every language: names and codes, not words. Any other
 * Kazakh or Russian text equal to the English one is an untranslated copy.
 */
const SAME_IN_EVERY_LANGUAGE: ReadonlySet<string> = new Set([
  'common.brand',
  'citizen.network.solana',
  'citizen.network.tron',
  'citizen.network.bip122',
]);

/** Whether a text has words to translate, not only placeholders and punctuation. */
function hasWords(text: string): boolean {
  return /\p{L}/u.test(text.replace(/\{\w+\}/g, ''));
}

interface SourceFile {
  path: string;
  text: string;
}

/** The product's code: src/**\/*.ts(x) without its tests and without the catalogue itself. */
function productSources(): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
        files.push({ path: relative(ROOT, path), text: readFileSync(path, 'utf8') });
      }
    }
  };
  walk(join(ROOT, 'src'));
  return files.filter((file) => !file.path.startsWith(join('src', 'i18n', '')));
}

const SOURCES = productSources();

/** Every concrete class in the code that descends from ProblemError, with its slug and title as written. */
function problemClassesInSource(): { name: string; path: string; slug?: string; title?: string }[] {
  const classes = new Map<string, { parent: string; path: string; body: string; abstract: boolean }>();
  for (const file of SOURCES) {
    // A class body is `{}` on its line, or runs to the first `}` at the start of a line.
    for (const match of file.text.matchAll(
      /(abstract )?class (\w+) extends (\w+)[^{\n]*\{(\}|[\s\S]*?\n\})/g,
    )) {
      classes.set(match[2]!, { abstract: !!match[1], parent: match[3]!, path: file.path, body: match[4]! });
    }
  }
  const descends = (name: string): boolean => {
    const parent = classes.get(name)?.parent;
    return parent === 'ProblemError' || (parent !== undefined && descends(parent));
  };
  // A subclass without a slug or title of its own answers with its parent's.
  const own = (name: string | undefined, pattern: RegExp): string | undefined => {
    const cls = name === undefined ? undefined : classes.get(name);
    if (!cls) return undefined;
    return pattern.exec(cls.body)?.[2] ?? own(cls.parent, pattern);
  };
  return [...classes.entries()]
    .filter(([name, { abstract }]) => descends(name) && !abstract)
    .map(([name, { path }]) => ({
      name,
      path,
      slug: own(name, /readonly slug = (['"])(.*?)\1;/),
      title: own(name, /readonly title =\s*(['"])(.*?)\1;/),
    }));
}

const PROBLEM_CLASSES = problemClassesInSource();
const PROBLEM_SLUGS = new Set(PROBLEM_CLASSES.flatMap((cls) => cls.slug ?? []));

/**
 * Keys the code builds instead of naming them: from a template literal
 * (`` `error.${kind}.title` ``) or by joining a prefix literal to a value
 * (`'console.reason.' + code`). Each is declared here as `area.*.name` with where the
 * values of its `*` come from: the files (or folders, ending in '/') holding the union
 * the code picks them from, where each value must be a string literal; for problem
 * keys, built from a problem document's type, the slugs of the ProblemError classes.
 * A key that fits a template but whose value the code does not offer counts as unused.
 */
const DYNAMIC_KEYS: { template: string; valuesIn: readonly string[] | 'problem slugs' }[] = [
  { template: 'problem.*.title', valuesIn: 'problem slugs' },
  { template: 'problem.*.detail', valuesIn: 'problem slugs' },
  { template: 'error.*.title', valuesIn: ['src/http/pages/errorPage.tsx'] },
  { template: 'error.*.body', valuesIn: ['src/http/pages/errorPage.tsx'] },
  // The regulator console names domain values: statuses, reasons, audit events, actors.
  { template: 'console.refusal.*', valuesIn: 'problem slugs' },
  { template: 'console.action.*', valuesIn: ['src/services/regulator.ts', 'src/http/routes/regulator.ts'] },
  { template: 'console.act.target.*', valuesIn: ['src/services/regulator.ts', 'src/http/pages/console/'] },
  { template: 'console.kind.*', valuesIn: ['src/services/regulator.ts', 'src/http/pages/console/'] },
  {
    template: 'console.conflicts.*',
    valuesIn: ['src/services/regulator.ts', 'src/store/repositories/regulator.ts'],
  },
  { template: 'console.dashboard.*', valuesIn: ['src/services/dashboard.ts'] },
  { template: 'console.source.*', valuesIn: ['src/domain/identity/'] },
  { template: 'console.level.*', valuesIn: ['src/domain/identity/'] },
  { template: 'console.reason.*', valuesIn: ['src/services/regulator.ts', 'src/services/walletsBinding.ts'] },
  { template: 'console.status.*', valuesIn: ['src/domain/', 'src/services/'] },
  { template: 'console.method.*', valuesIn: ['src/domain/accounts/', 'src/chains/'] },
  { template: 'console.event.*', valuesIn: ['src/services/'] },
  { template: 'console.actor.*', valuesIn: ['src/domain/audit/', 'src/services/'] },
  { template: 'console.lookupBy.*', valuesIn: ['src/services/regulator.ts'] },
  { template: 'console.purpose.*', valuesIn: ['src/domain/regulator/'] },
  { template: 'console.approvals.kind.*', valuesIn: ['src/domain/regulator/'] },
  // The citizen's activity page names the kinds of exchange query.
  { template: 'citizen.activity.kind.*', valuesIn: ['src/services/queryLog.ts'] },
];

const AREAS = new Set(KEYS.map((key) => key.split('.')[0]!));

function templatePattern(template: string): RegExp {
  const parts = template.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('([\\w.-]+?)')}$`);
}

/** Template literals in the code that build catalogue keys, written as `area.*.name`. */
function keyTemplatesInCode(): { template: string; path: string }[] {
  const found: { template: string; path: string }[] = [];
  for (const file of SOURCES) {
    for (const match of file.text.matchAll(/`([^`\n]*\$\{[^`\n]*)`/g)) {
      const template = match[1]!.replace(/\$\{[^}]*\}/g, '*');
      if (!AREAS.has(template.split('.')[0]!) || !template.includes('.')) continue;
      const pattern = templatePattern(template);
      if (KEYS.some((key) => pattern.test(key))) found.push({ template, path: file.path });
    }
  }
  return found;
}

/** A file is in `path` when it is that file, or inside that folder (a path ending in '/'). */
function inPath(file: SourceFile, path: string): boolean {
  return path.endsWith('/') ? file.path.startsWith(path) : file.path === path;
}

function literalIn(text: string, value: string): boolean {
  return [`'${value}'`, `"${value}"`, `\`${value}\``].some((quoted) => text.includes(quoted));
}

/**
 * Whether the code in `text` can produce `value`: as a string literal, or from a template
 * literal with one `${…}` (`` `conflict.${status}` ``) whose part is a literal there too.
 */
function valueIn(text: string, value: string): boolean {
  if (literalIn(text, value)) return true;
  for (const match of text.matchAll(/`([\w.-]*)\$\{[^}`]*\}([\w.-]*)`/g)) {
    const [, head = '', tail = ''] = match;
    if (value.length > head.length + tail.length && value.startsWith(head) && value.endsWith(tail)) {
      if (literalIn(text, value.slice(head.length, value.length - tail.length))) return true;
    }
  }
  return false;
}

describe('every key in every language', () => {
  it.each(LOCALES)('%s has exactly the English keys, each with a text', (locale) => {
    const catalogue = CATALOGUES[locale] as Record<string, string>;
    expect(Object.keys(catalogue).sort()).toEqual([...KEYS].sort());
    const empty = KEYS.filter((key) => typeof catalogue[key] !== 'string' || catalogue[key]!.trim() === '');
    expect(empty, `empty texts in ${locale}`).toEqual([]);
  });

  it.each(LOCALES.filter((locale) => locale !== 'en'))('%s translates every text', (locale) => {
    const copied = KEYS.filter(
      (key) =>
        !SAME_IN_EVERY_LANGUAGE.has(key) &&
        hasWords(english[key]) &&
        CATALOGUES[locale][key] === english[key],
    );
    expect(
      copied,
      `texts in ${locale} identical to English (list names and codes in SAME_IN_EVERY_LANGUAGE)`,
    ).toEqual([]);
  });

  it('names in SAME_IN_EVERY_LANGUAGE really are the same everywhere', () => {
    // An entry whose key is not (or no longer) in the catalogue exempts nothing.
    for (const key of SAME_IN_EVERY_LANGUAGE) {
      if (!Object.hasOwn(english, key)) continue;
      for (const locale of LOCALES) {
        expect(CATALOGUES[locale][key as MessageKey], `${locale} ${key}`).toBe(english[key as MessageKey]);
      }
    }
  });

  it('has the same {placeholders} in every language', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const mismatched = KEYS.flatMap((key) =>
      LOCALES.filter(
        (locale) =>
          JSON.stringify(placeholders(CATALOGUES[locale][key])) !==
          JSON.stringify(placeholders(english[key])),
      ).map((locale) => `${locale} ${key}`),
    );
    expect(mismatched).toEqual([]);
  });

  it('writes Kazakh and Russian in Cyrillic', () => {
    // A text with Latin words but no Cyrillic letter is English left in place (names are exempt).
    const latinOnly = (['kk', 'ru'] as const).flatMap((locale) =>
      KEYS.filter((key) => {
        const text = CATALOGUES[locale][key].replace(/\{\w+\}/g, '');
        return (
          !SAME_IN_EVERY_LANGUAGE.has(key) && /[A-Za-z]{3}/.test(text) && !/\p{Script=Cyrillic}/u.test(text)
        );
      }).map((key) => `${locale} ${key}`),
    );
    expect(latinOnly).toEqual([]);
  });
});

describe('every key used in the code', () => {
  const templates = keyTemplatesInCode();
  const code = SOURCES.map((file) => file.text).join('\n');

  it('declares every template literal that builds keys', () => {
    const declared = new Set(DYNAMIC_KEYS.map((dynamic) => dynamic.template));
    const undeclared = templates.filter((found) => !declared.has(found.template));
    expect(undeclared, 'templates building catalogue keys must be declared in DYNAMIC_KEYS').toEqual([]);
  });

  it.each(DYNAMIC_KEYS)(
    '$template is still built by the code, from values it offers',
    ({ template, valuesIn }) => {
      const prefix = template.endsWith('.*') ? template.slice(0, -1) : undefined;
      const built =
        templates.some((found) => found.template === template) ||
        (prefix !== undefined && literalIn(code, prefix));
      // Keys that fit a template the code no longer builds would pass as used; an entry
      // that fits no key (its area not written yet, or gone) decides nothing.
      if (KEYS.some((key) => templatePattern(template).test(key))) {
        expect(built, `${template} is built nowhere any more: remove it from DYNAMIC_KEYS`).toBe(true);
      }
      if (valuesIn !== 'problem slugs') {
        const missing = valuesIn.filter((path) => !SOURCES.some((file) => inPath(file, path)));
        expect(missing, 'files or folders named in valuesIn').toEqual([]);
      }
    },
  );

  it('uses every key: named as a string literal, or built by a declared template from a value the code offers', () => {
    const offered = (valuesIn: readonly string[] | 'problem slugs', value: string) =>
      valuesIn === 'problem slugs'
        ? PROBLEM_SLUGS.has(value)
        : SOURCES.some((file) => valuesIn.some((path) => inPath(file, path)) && valueIn(file.text, value));
    const patterns = DYNAMIC_KEYS.map((dynamic) => ({
      ...dynamic,
      pattern: templatePattern(dynamic.template),
    }));
    const unused = KEYS.filter((key) => {
      if (literalIn(code, key)) return false;
      return !patterns.some(({ pattern, valuesIn }) => {
        const value = pattern.exec(key)?.[1];
        return value !== undefined && offered(valuesIn, value);
      });
    });
    expect(unused, 'keys no code uses: remove them, or declare the template that builds them').toEqual([]);
  });

  it('knows every key the code names', () => {
    // A string literal shaped like a key of one of the catalogue's areas must be a key:
    // page scripts look messages up by plain strings, which the types cannot check.
    const named = new Set<string>();
    for (const file of SOURCES) {
      for (const match of file.text.matchAll(/['"`]([a-z][\w-]*(?:\.[\w-]+)+)['"`]/g)) {
        const value = match[1]!;
        if (AREAS.has(value.split('.')[0]!) && !/\.(js|ts|tsx|css|svg|json)$/.test(value)) named.add(value);
      }
    }
    expect([...named].filter((value) => !Object.hasOwn(english, value))).toEqual([]);
  });
});

describe('problem types', () => {
  // Every exported class of src/domain/errors.ts, abstract ones included, made without a detail.
  const runtimeClasses = (Object.values(errors) as unknown[])
    .filter(
      (value): value is new () => errors.ProblemError =>
        typeof value === 'function' && value.prototype instanceof errors.ProblemError,
    )
    .map((cls) => new cls())
    .filter((instance) => typeof instance.slug === 'string');

  it('finds the problem types of the code', () => {
    expect(runtimeClasses.length).toBeGreaterThan(40);
    // The source scan sees every exported class of src/domain/errors.ts, and any elsewhere.
    for (const instance of runtimeClasses) expect(PROBLEM_SLUGS).toContain(instance.slug);
  });

  it.each(PROBLEM_CLASSES)('$name ($slug) has a title and an explanation', ({ slug, title }) => {
    expect(slug, 'a literal slug').toBeDefined();
    expect(title, 'a literal title').toBeDefined();
    expect(Object.hasOwn(english, `problem.${slug}.title`), `problem.${slug}.title`).toBe(true);
    expect(Object.hasOwn(english, `problem.${slug}.detail`), `problem.${slug}.detail`).toBe(true);
    expect(english[`problem.${slug}.title` as MessageKey]).toBe(title);
  });

  it.each(runtimeClasses.map((instance) => ({ name: instance.name, instance })))(
    '$name: the English title is the one its problem documents carry',
    ({ instance }) => {
      expect(english[`problem.${instance.slug}.title` as MessageKey]).toBe(instance.title);
    },
  );

  it('has no problem texts for types that do not exist', () => {
    const slugs = KEYS.flatMap((key) => /^problem\.(.+)\.(title|detail)$/.exec(key)?.[1] ?? []);
    expect([...new Set(slugs)].filter((slug) => !PROBLEM_SLUGS.has(slug))).toEqual([]);
  });
});

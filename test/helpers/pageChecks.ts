// Checks every browser suite can run on a page as it is: axe-core's accessibility rules,
// horizontal overflow on a phone-sized viewport, and a full-page screenshot of what was
// checked (test-results/screenshots/<lang>/<page>-<state>.png, not committed).
//
// axe-core is evaluated through the DevTools protocol (page.evaluate), not added as a
// <script> element: the pages' CSP (script-src 'self', no inline scripts) blocks
// page.addScriptTag({ content }), and turning the CSP off (bypassCSP) would check a page
// other than the one people get. Runtime.evaluate is not subject to the page's CSP.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = (require('axe-core') as { source: string }).source;

export const PHONE_VIEWPORT = { width: 390, height: 844 } as const;
export const DESKTOP_VIEWPORT = { width: 1280, height: 900 } as const;

export const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

// ---------------------------------------------------------------- axe-core

export interface AxeNode {
  target: string[];
  html: string;
  failureSummary?: string;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: AxeNode[];
}

export interface AxeOptions {
  /** Rule IDs not to run, each with the reason in the caller's code. */
  disableRules?: readonly string[];
}

/** Runs every non-experimental axe-core rule (WCAG 2.x A and AA, and best practices) on the page. */
export async function axeViolations(page: Page, options: AxeOptions = {}): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (window as { axe?: unknown }).axe === 'object');
  if (!loaded) await page.evaluate(axeSource);
  const rules = Object.fromEntries((options.disableRules ?? []).map((id) => [id, { enabled: false }]));
  return page.evaluate(async (rules) => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<unknown> } })
      .axe;
    const result = (await axe.run(document, { resultTypes: ['violations'], rules })) as {
      violations: AxeViolation[];
    };
    // Only what the report needs crosses back (axe's full result is large).
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })),
    }));
  }, rules);
}

/** One paragraph per violation: rule, impact, what it asks, and each failing element. */
export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 5)
        .map((n) => {
          const why = (n.failureSummary ?? '').replace(/\s+/g, ' ').trim();
          return `    - ${n.target.join(' ')}  ${truncate(n.html, 160)}${why ? `\n      ${truncate(why, 300)}` : ''}`;
        })
        .join('\n');
      const more = v.nodes.length > 5 ? `\n    … and ${v.nodes.length - 5} more` : '';
      return `  [${v.impact ?? 'n/a'}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}${more}`;
    })
    .join('\n');
}

// ---------------------------------------------------------------- horizontal overflow

export interface OverflowReport {
  viewportWidth: number;
  scrollWidth: number;
  /** Elements or text that reach past the right edge while their parent does not (the causes). */
  offenders: { selector: string; right: number; width: number; text: string }[];
}

/**
 * Measures horizontal overflow: the document must not scroll sideways, and no element or
 * text may reach past the viewport's right edge, unless a scrolling or clipping ancestor
 * (overflow-x other than visible) holds it; that ancestor is then measured instead. The
 * width is the layout viewport without a scrollbar (clientWidth), not innerWidth, so a
 * page cannot hide its overflow under a classic scrollbar.
 */
export function measureHorizontalOverflow(page: Page): Promise<OverflowReport> {
  return page.evaluate(() => {
    const root = document.documentElement;
    const viewportWidth = root.clientWidth;
    const scrollWidth = (document.scrollingElement ?? root).scrollWidth;
    const tolerance = 0.5;

    const clippedByAncestor = (element: Element): boolean => {
      for (
        let parent = element.parentElement;
        parent && parent !== document.body;
        parent = parent.parentElement
      ) {
        if (getComputedStyle(parent).overflowX !== 'visible') return true;
      }
      return false;
    };
    const rightOf = (element: Element) => element.getBoundingClientRect().right + window.scrollX;
    const describe = (element: Element): string => {
      const parts: string[] = [];
      for (
        let e: Element | null = element;
        e && e !== document.body && parts.length < 4;
        e = e.parentElement
      ) {
        let part = e.tagName.toLowerCase();
        if (e.id) {
          parts.unshift(`${part}#${e.id}`);
          break;
        }
        const classes = [...e.classList].slice(0, 2);
        if (classes.length) part += `.${classes.join('.')}`;
        const siblings = e.parentElement
          ? [...e.parentElement.children].filter((s) => s.tagName === e!.tagName)
          : [];
        if (siblings.length > 1) part += `:nth-of-type(${siblings.indexOf(e) + 1})`;
        parts.unshift(part);
      }
      return parts.join(' > ');
    };

    const offenders: { selector: string; right: number; width: number; text: string }[] = [];
    const overflowing = new Set<Element>();
    for (const element of document.body.querySelectorAll('*')) {
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 && rect.height === 0) continue;
      // Laid out but not shown (a closed <details>' content, content-visibility: hidden).
      if (!element.checkVisibility()) continue;
      if (rightOf(element) > viewportWidth + tolerance && !clippedByAncestor(element))
        overflowing.add(element);
    }
    for (const element of overflowing) {
      if (element.parentElement && overflowing.has(element.parentElement)) continue;
      const rect = element.getBoundingClientRect();
      offenders.push({
        selector: describe(element),
        right: Math.round(rightOf(element)),
        width: Math.round(rect.width),
        text: (element.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 80),
      });
    }
    // Text that runs out of a box that itself fits (a long unbroken word or account ID).
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || !node.textContent?.trim() || overflowing.has(parent) || !parent.checkVisibility())
        continue;
      range.selectNodeContents(node);
      const rect = range.getBoundingClientRect();
      if (rect.width === 0) continue;
      if (
        rect.right + window.scrollX > viewportWidth + tolerance &&
        !clippedByAncestor(node as unknown as Element)
      ) {
        offenders.push({
          selector: `${describe(parent)} (text)`,
          right: Math.round(rect.right + window.scrollX),
          width: Math.round(rect.width),
          text: node.textContent.replace(/\s+/g, ' ').trim().slice(0, 80),
        });
      }
    }
    return { viewportWidth, scrollWidth, offenders };
  });
}

export function describeOverflow(report: OverflowReport): string {
  const lines = [`  document ${report.scrollWidth}px wide in a ${report.viewportWidth}px viewport`];
  for (const o of report.offenders.slice(0, 8)) {
    lines.push(`    - ${o.selector}: right edge at ${o.right}px (${o.width}px wide) "${o.text}"`);
  }
  if (report.offenders.length > 8) lines.push(`    … and ${report.offenders.length - 8} more`);
  return lines.join('\n');
}

export function hasOverflow(report: OverflowReport): boolean {
  return report.scrollWidth > report.viewportWidth || report.offenders.length > 0;
}

// ---------------------------------------------------------------- screenshots

export interface PageShot {
  /** The page's language (the folder). */
  lang: string;
  /** The page, e.g. "account". */
  page: string;
  /** The state shown, e.g. "suspended-binding". */
  state: string;
}

/** Saves a full-page PNG under test-results/screenshots/<lang>/ and returns its path. */
export async function saveScreenshot(page: Page, shot: PageShot, suffix = ''): Promise<string> {
  const path = join(SCREENSHOT_DIR, shot.lang, `${shot.page}-${shot.state}${suffix}.png`);
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  return path;
}

function truncate(text: string, length: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

// ---------------------------------------------------------------- all of it

export type PageCheckOptions = AxeOptions;

/**
 * The page as it is now, on a phone (390 × 844) and on a desktop (1280 × 900): axe-core
 * at both widths, overflow on the phone, a screenshot of each. Throws one error listing
 * every problem, after the screenshots are saved, so a failure can be looked at.
 */
export async function checkPage(page: Page, shot: PageShot, options: PageCheckOptions = {}): Promise<void> {
  const before = page.viewportSize();
  const problems: string[] = [];
  const label = `${shot.page} (${shot.state}, ${shot.lang})`;
  try {
    for (const [name, viewport] of [
      ['phone', PHONE_VIEWPORT],
      ['desktop', DESKTOP_VIEWPORT],
    ] as const) {
      await page.setViewportSize(viewport);
      // The new width's layout settles before it is measured.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
      if (name === 'phone') {
        const overflow = await measureHorizontalOverflow(page);
        if (hasOverflow(overflow))
          problems.push(`horizontal overflow at 390 × 844:\n${describeOverflow(overflow)}`);
      }
      const violations = await axeViolations(page, options);
      if (violations.length) {
        problems.push(
          `axe-core at ${viewport.width} px: ${violations.length} rule(s) broken:\n${describeViolations(violations)}`,
        );
      }
      await saveScreenshot(page, shot, name === 'phone' ? '' : '.desktop');
    }
  } finally {
    if (before) await page.setViewportSize(before);
  }
  if (problems.length) throw new Error(`${label}:\n${problems.join('\n')}`);
}

// ---------------------------------------------------------------- screenshots for the docs

export const DOCS_IMAGE_DIR = fileURLToPath(new URL('../../docs/img/', import.meta.url));

/** SCREENSHOTS=docs: the suites also write the README's screenshots into docs/img/. */
export const writeDocScreenshots = process.env.SCREENSHOTS === 'docs';

/**
 * The README's picture of a page: what a 1280 × 800 window shows (not the full page, which
 * keeps each PNG small), from the top or from the section holding `from`, at
 * docs/img/<name>-<lang>.png.
 */
export async function saveDocScreenshot(
  page: Page,
  name: string,
  lang: string,
  options: { from?: string } = {},
): Promise<string> {
  const before = page.viewportSize();
  const path = join(DOCS_IMAGE_DIR, `${name}-${lang}.png`);
  mkdirSync(dirname(path), { recursive: true });
  try {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.evaluate((from) => {
      const element = from ? document.querySelector(from) : null;
      const top = element ? (element.closest('section') ?? element).getBoundingClientRect().top : 0;
      window.scrollTo(0, Math.max(0, window.scrollY + top - 24));
    }, options.from ?? null);
    await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  } finally {
    if (before) await page.setViewportSize(before);
  }
  return path;
}

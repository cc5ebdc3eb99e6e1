// What every page script shares: the JSON API client, the page's messages (the JSON data
// block the layout renders), human texts for problem documents, and announcements next
// to the control that caused them.

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  [extension: string]: unknown;
}

const PROBLEM_BASE = 'https://wallet-attest.example/problems/';

interface PageMessages {
  locale: string;
  messages: Record<string, string>;
}

let pageMessages: PageMessages | undefined;
function loadMessages(): PageMessages {
  if (!pageMessages) {
    const block = document.getElementById('page-messages');
    pageMessages = block?.textContent
      ? (JSON.parse(block.textContent) as PageMessages)
      : { locale: 'en', messages: {} };
  }
  return pageMessages;
}

export function locale(): string {
  return loadMessages().locale;
}

/** A catalogue message with {name} placeholders filled; the key itself if it is missing. */
export function message(key: string, params: Record<string, string | number> = {}): string {
  const text = loadMessages().messages[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name]),
  );
}

/** An error whose text is for people: from the catalogue's table of problem types. */
export class PageError extends Error {
  constructor(
    text: string,
    readonly problem?: Problem,
  ) {
    super(text);
  }
  get stepUp(): boolean {
    return this.problem?.type === `${PROBLEM_BASE}step-up-required`;
  }
}

export function problemText(problem: Problem): string {
  const slug = problem.type.startsWith(PROBLEM_BASE) ? problem.type.slice(PROBLEM_BASE.length) : '';
  const messages = loadMessages().messages;
  return messages[`problem.${slug}.detail`] ?? messages[`problem.${slug}.title`] ?? problem.title;
}

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new PageError(message('common.offline'));
  }
  if (response.status === 204) return null as T;
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) throw new PageError(message('error.generic.body'));
  const data = (await response.json()) as T & Problem;
  if (!response.ok) throw new PageError(problemText(data), data);
  return data;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T | null {
  return document.getElementById(id) as T | null;
}

/** Formats an ISO time in the page's language and the reader's time zone. */
export function formatDate(iso: string, withTime = false): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), {
    dateStyle: 'long',
    ...(withTime ? { timeStyle: 'short' } : {}),
  }).format(date);
}

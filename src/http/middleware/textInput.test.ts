import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ProblemError } from '../../domain/errors.js';
import { refuseNulCharacters } from './textInput.js';

function app() {
  const hono = new Hono();
  hono.use(refuseNulCharacters() as never);
  hono.get('*', (c) => c.text('passed'));
  hono.onError((error, c) =>
    c.json({ status: error instanceof ProblemError ? error.status : 500, detail: error.message }, 400),
  );
  return hono;
}

describe('refuseNulCharacters', () => {
  it.each([
    ['/v1/attestations/eip155:1:0xab', 'passed'],
    ['/v1/attestations/eip155%3A1%3A0xab?x=%20y', 'passed'],
  ])('lets %s through', async (path, body) => {
    expect(await (await app().request(path)).text()).toBe(body);
  });

  it.each([
    ['/v1/attestations/x%00', /NUL/],
    ['/v1/audit?format=%00', /NUL/],
    ['/v1/x%E0%A4%A', /percent-encoding/],
    ['/v1/x?y=%ZZ%', /percent-encoding/],
  ])('refuses %s', async (path, detail) => {
    const answer = (await (await app().request(path)).json()) as { status: number; detail: string };
    expect(answer.status).toBe(400);
    expect(answer.detail).toMatch(detail);
  });
});

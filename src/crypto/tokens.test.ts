import { describe, expect, it } from 'vitest';
import { newTimeOrderedId } from './tokens.js';

describe('newTimeOrderedId', () => {
  it('is a version-7 UUID carrying the time, sorting by time', () => {
    const at = Date.UTC(2026, 11, 1, 12, 0, 0, 123);
    const id = newTimeOrderedId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    const later = newTimeOrderedId(at + 1);
    expect(later > id).toBe(true);
    expect(newTimeOrderedId(at)).not.toBe(id);
  });
});

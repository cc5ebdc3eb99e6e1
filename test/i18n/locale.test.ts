// How a request's language is chosen: the `lang` cookie, else the best Accept-Language
// match by q-value (RFC 9110 §12.5.4), else English.
import { describe, expect, it } from 'vitest';
import { localeFromAcceptLanguage, negotiateLocale } from '../../src/i18n/locale.js';

describe('negotiateLocale', () => {
  it('prefers the cookie the switcher set over Accept-Language', () => {
    expect(negotiateLocale('kk', 'ru, en;q=0.5')).toBe('kk');
    expect(negotiateLocale('en', 'kk')).toBe('en');
  });

  it('ignores a cookie naming a language the product does not speak', () => {
    expect(negotiateLocale('de', 'ru')).toBe('ru');
    expect(negotiateLocale('', undefined)).toBe('en');
  });

  it('falls back to English without a usable preference', () => {
    expect(negotiateLocale(undefined, undefined)).toBe('en');
    expect(negotiateLocale(undefined, '')).toBe('en');
    expect(negotiateLocale(undefined, 'de-DE, fr;q=0.8')).toBe('en');
    expect(negotiateLocale(undefined, '*')).toBe('en');
    expect(negotiateLocale(undefined, ';;;,,,q=')).toBe('en');
  });

  it('honours q-values, not the order of the list', () => {
    expect(negotiateLocale(undefined, 'en;q=0.3, ru;q=0.9, kk;q=0.5')).toBe('ru');
    expect(negotiateLocale(undefined, 'en;q=0.1, kk')).toBe('kk');
    expect(negotiateLocale(undefined, 'ru;q=0.8, en;q=0.8')).toBe('ru');
  });

  it('skips languages refused with q=0 and unreadable weights', () => {
    expect(negotiateLocale(undefined, 'ru;q=0, kk;q=0.2')).toBe('kk');
    expect(negotiateLocale(undefined, 'kk;q=zero, ru;q=0.1')).toBe('ru');
    expect(negotiateLocale(undefined, 'ru;q=0')).toBe('en');
  });

  it('matches regional tags and letter case by their primary language', () => {
    expect(negotiateLocale(undefined, 'ru-KZ')).toBe('ru');
    expect(negotiateLocale(undefined, 'KK-kz;q=0.9, en-US;q=0.5')).toBe('kk');
    expect(negotiateLocale(undefined, 'en-GB')).toBe('en');
  });

  it('reads "kz", the country code often written for Kazakh, as Kazakh', () => {
    expect(negotiateLocale(undefined, 'kz, ru;q=0.5')).toBe('kk');
  });

  it('picks the best supported language behind unsupported ones', () => {
    expect(localeFromAcceptLanguage('de-DE, de;q=0.9, ru;q=0.7, en;q=0.5')).toBe('ru');
    expect(localeFromAcceptLanguage('fr')).toBeUndefined();
  });

  it('reads a long header only as far as its first 32 entries', () => {
    const header = [...Array.from({ length: 40 }, (_, i) => `x${i};q=0.9`), 'ru'].join(', ');
    expect(localeFromAcceptLanguage(header)).toBeUndefined();
  });
});

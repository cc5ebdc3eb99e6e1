// localizeProblem and humanProblem: which texts change with the language, and which never do.
import { describe, expect, it } from 'vitest';
import { BindingNotActiveError, PROBLEM_BASE, ValidationError } from '../../src/domain/errors.js';
import { humanProblem, localizeProblem } from '../../src/http/problem.js';
import { t } from '../../src/i18n/catalogue.js';

describe('localizeProblem', () => {
  const problem = new BindingNotActiveError('Binding b-1 is suspended', { status: 'suspended' }).toProblem();

  it('leaves an English problem as the service wrote it', () => {
    expect(localizeProblem(problem, 'en')).toEqual(problem);
  });

  it.each(['kk', 'ru'] as const)(
    'gives %s the catalogue title and explanation, and keeps the rest',
    (locale) => {
      expect(localizeProblem(problem, locale)).toEqual({
        type: `${PROBLEM_BASE}binding-not-active`,
        status: 409,
        bindingStatus: 'suspended',
        title: t(locale, 'problem.binding-not-active.title'),
        detail: t(locale, 'problem.binding-not-active.detail'),
      });
    },
  );

  it('adds the explanation to a problem that had no detail', () => {
    const bare = new ValidationError(undefined, { errors: [{ pointer: '/accounts' }] }).toProblem();
    expect(bare).not.toHaveProperty('detail');
    expect(localizeProblem(bare, 'kk')).toMatchObject({
      errors: [{ pointer: '/accounts' }],
      detail: t('kk', 'problem.validation-failed.detail'),
    });
  });

  it('leaves problem types it has no texts for alone', () => {
    const foreign = { type: 'https://example.org/problems/other', title: 'Other', status: 400, detail: 'x' };
    expect(localizeProblem(foreign, 'ru')).toEqual(foreign);
    const unknownSlug = { type: `${PROBLEM_BASE}no-such-type`, title: 'Other', status: 400, detail: 'x' };
    expect(localizeProblem(unknownSlug, 'kk')).toEqual(unknownSlug);
  });
});

describe('humanProblem', () => {
  it('explains a problem type in every language, English included', () => {
    const problem = new ValidationError('/accounts: must NOT have fewer than 1 items').toProblem();
    for (const locale of ['kk', 'ru', 'en'] as const) {
      expect(humanProblem(problem, locale)).toEqual({
        title: t(locale, 'problem.validation-failed.title'),
        detail: t(locale, 'problem.validation-failed.detail'),
      });
    }
  });

  it('falls back to the title of a problem type it does not know', () => {
    const foreign = { type: 'https://example.org/problems/other', title: 'Other', status: 400 };
    expect(humanProblem(foreign, 'kk')).toEqual({ title: 'Other' });
  });
});

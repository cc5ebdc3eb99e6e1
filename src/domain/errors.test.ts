import { describe, expect, it } from 'vitest';
import * as errors from './errors.js';
import { InvalidNationalIdError, PROBLEM_BASE, ProblemError, ValidationError } from './errors.js';

describe('problem+json mapping', () => {
  it('renders type, title, status and detail', () => {
    expect(new InvalidNationalIdError('The IIN check digit does not match').toProblem()).toEqual({
      type: `${PROBLEM_BASE}invalid-national-id`,
      title: 'The national ID is not valid',
      status: 422,
      detail: 'The IIN check digit does not match',
    });
  });

  it('keeps extensions but never lets them override the standard members', () => {
    const problem = new ValidationError('bad', {
      errors: [{ pointer: '/name' }],
      status: 200,
      type: 'x',
    }).toProblem();
    expect(problem.status).toBe(422);
    expect(problem.type).toBe(`${PROBLEM_BASE}validation-failed`);
    expect(problem.errors).toEqual([{ pointer: '/name' }]);
  });

  it('gives every error class its own type and a 4xx/5xx status', () => {
    type ProblemClass = (new () => ProblemError) & { name: string };
    const classes = (Object.values(errors) as unknown[]).filter(
      (value): value is ProblemClass =>
        typeof value === 'function' && value.prototype instanceof ProblemError,
    );
    const types = classes.map((Class) => new Class().type);
    expect(new Set(types).size).toBe(classes.length);
    for (const Class of classes) {
      const instance = new Class();
      expect(instance.status).toBeGreaterThanOrEqual(400);
      expect(instance.name).toBe(Class.name);
      expect(instance.toProblem()).not.toHaveProperty('detail');
    }
  });
});

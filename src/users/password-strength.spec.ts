import { characterClasses, passwordProblem } from './password-strength';

describe('passwordProblem', () => {
  it.each(['password-123', 'caseworker-1', 'Street Pass 2026', '医保-flow-2026', 'inspector-1'])(
    'should accept %p (long enough, three classes)',
    (password) => {
      expect(passwordProblem(password)).toBeNull();
    },
  );

  it.each([
    ['short', /at least 10/],
    ['abcdefghijkl', /mix at least 3/],
    ['another-password', /mix at least 3/],
    ['12345678901', /mix at least 3/],
    ['Password123', /most common/],
    ['Wenzhou-2026', null],
    ['password123', /mix at least 3/],
    ['Admin@12345', /most common/],
    ['aA1aA1aA1aA1', /repeat/],
  ])('should judge %p', (password, problem) => {
    const result = passwordProblem(password);
    if (problem === null) {
      expect(result).toBeNull();
    } else {
      expect(result).toMatch(problem);
    }
  });

  it('should refuse a password that contains the username, in any case', () => {
    expect(passwordProblem('Wang-Caseworker-9', 'caseworker')).toMatch(/username/);
    expect(passwordProblem('Wang-Caseworker-9', 'li')).toBeNull();
  });

  it('should refuse what is not a string', () => {
    expect(passwordProblem(12345678901)).toBe('must be a string');
  });

  it('should count lower, upper, digits and everything else (汉字 too) as classes', () => {
    expect(characterClasses('abc')).toBe(1);
    expect(characterClasses('aB1')).toBe(3);
    expect(characterClasses('aB1-')).toBe(4);
    expect(characterClasses('医保a1')).toBe(3);
  });
});

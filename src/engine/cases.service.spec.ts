import { DomainError } from '../common/errors/domain-error';
import { parseIfMatch } from './cases.service';

describe('If-Match parsing', () => {
  it.each([
    ['"3"', 3],
    ['3', 3],
    ['W/"12"', 12],
    [undefined, undefined],
  ])('should read %s as version %s', (header, version) => {
    expect(parseIfMatch(header)).toBe(version);
  });

  it.each(['"3', '3"', 'abc', '"-1"', '1.5', '"1","2"'])(
    'should refuse the malformed %s with a 400',
    (header) => {
      expect(() => parseIfMatch(header)).toThrow(DomainError);
    },
  );
});

import { validate } from 'class-validator';
import {
  IsResidentId,
  normaliseResidentId,
  residentIdCheckChar,
  validateResidentId,
} from './id-number';

/**
 * Valid IDs are hardcoded, their check characters computed outside this code base (an independent
 * script, and 440305200002290010 by hand: Σ = 188, 188 mod 11 = 1 → "0").
 * 11010519491231002X is the example printed in GB 11643-1999 itself.
 */
const VALID = [
  '11010519491231002X',
  '440305200002290010', // 29 February 2000: 2000 is a leap year (divisible by 400)
  '33010619850615002X',
  '510107199912311233',
  '110101190001010014', // 1 January 1900, the earliest accepted
];
const TODAY = new Date('2026-04-30T12:00:00+08:00');

describe('validateResidentId', () => {
  it.each(VALID)('accepts %s', (id) => {
    expect(validateResidentId(id, TODAY)).toBeNull();
  });

  it('accepts a lowercase x and normalises it to X', () => {
    expect(validateResidentId('11010519491231002x', TODAY)).toBeNull();
    expect(normaliseResidentId('11010519491231002x')).toBe('11010519491231002X');
    expect(normaliseResidentId('510107199912311233')).toBe('510107199912311233');
  });

  it('computes the ISO 7064 MOD 11-2 check character', () => {
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(residentIdCheckChar('44030520000229001')).toBe('0');
    expect(residentIdCheckChar('51010719991231123')).toBe('3');
  });

  it('refuses a wrong check digit, naming the expected one', () => {
    expect(validateResidentId('110105194912310021', TODAY)).toBe(
      'resident ID check digit is 1, expected X',
    );
    expect(validateResidentId('510107199912311234', TODAY)).toMatch(/check digit is 4, expected 3/);
    // Two swapped digits change the weighted sum: caught by the check digit.
    expect(validateResidentId('11010519491231020X', TODAY)).toMatch(/check digit/);
  });

  it('refuses a 15-digit (first-generation) number and other lengths', () => {
    expect(validateResidentId('110105491231002', TODAY)).toBe(
      'resident ID length must be 18 characters, got 15',
    );
    expect(validateResidentId('11010519491231002X1', TODAY)).toMatch(/length/);
    expect(validateResidentId('', TODAY)).toMatch(/length/);
    expect(validateResidentId(' 11010519491231002X', TODAY)).toMatch(/length/);
  });

  it('refuses letters other than a final X', () => {
    expect(validateResidentId('1101051949123100AX', TODAY)).toMatch(/characters/);
    expect(validateResidentId('11010519491231002Y', TODAY)).toMatch(/characters/);
    expect(validateResidentId('X10105194912310021', TODAY)).toMatch(/characters/);
    expect(validateResidentId('1101051949123100２X', TODAY)).toMatch(/characters/); // full-width 2
  });

  it('refuses a non-string', () => {
    expect(validateResidentId(11010519491231002, TODAY)).toMatch(/string/);
    expect(validateResidentId(undefined, TODAY)).toMatch(/string/);
  });

  it('refuses birth dates that are not real dates', () => {
    // Check characters are right, so only the date is wrong.
    expect(validateResidentId('11010519900230001X', TODAY)).toBe(
      'resident ID birth date 19900230 is not a real date',
    ); // 30 February
    expect(validateResidentId('110105190002290017', TODAY)).toMatch(
      /birth date 19000229 is not a real date/,
    ); // 1900 is not a leap year
    expect(validateResidentId('110105199013010018', TODAY)).toMatch(/birth date 19901301/); // month 13
    expect(validateResidentId('110105199004310019', TODAY)).toMatch(/birth date 19900431/); // 31 April
    expect(validateResidentId('110105199001000015', TODAY)).toMatch(/birth date 19900100/); // day 0
  });

  it('refuses a birth date before 1900', () => {
    expect(validateResidentId('110105189912310015', TODAY)).toBe(
      'resident ID birth date 18991231 is before 1900',
    );
  });

  it('refuses a birth date after today, reading today in China Standard Time', () => {
    // 310115202604304565: born 30 April 2026; 110105202605010016: born 1 May 2026.
    expect(validateResidentId('310115202604304565', TODAY)).toBeNull();
    expect(validateResidentId('110105202605010016', TODAY)).toBe(
      'resident ID birth date 20260501 is in the future',
    );
    // 1 May 00:30 in Beijing is still 30 April in UTC: already 1 May for the bureau.
    expect(validateResidentId('110105202605010016', new Date('2026-04-30T16:30:00Z'))).toBeNull();
    expect(validateResidentId('110105202605010016', new Date('2026-04-30T15:30:00Z'))).toMatch(
      /in the future/,
    );
  });
});

class Applicant {
  @IsResidentId()
  idNumber!: string;
}

function applicant(idNumber: unknown): Applicant {
  const a = new Applicant();
  (a as { idNumber: unknown }).idNumber = idNumber;
  return a;
}

describe('@IsResidentId', () => {
  it('passes a valid ID', async () => {
    expect(await validate(applicant('510107199912311233'))).toEqual([]);
  });

  it('passes a lowercase x and stores it upper case', async () => {
    const a = applicant('11010519491231002x');
    expect(await validate(a)).toEqual([]);
    expect(a.idNumber).toBe('11010519491231002X');
  });

  it('names the reason in its message', async () => {
    const errors = await validate(applicant('110105194912310021'));
    expect(errors).toHaveLength(1);
    expect(errors[0].constraints).toEqual({
      isResidentId: 'idNumber: resident ID check digit is 1, expected X',
    });
    const [short] = await validate(applicant('110105491231002'));
    expect(short.constraints?.isResidentId).toMatch(/length must be 18/);
  });

  it('leaves an invalid value untouched', async () => {
    const a = applicant('11010519491231003x');
    expect(await validate(a)).toHaveLength(1);
    expect(a.idNumber).toBe('11010519491231003x');
  });
});

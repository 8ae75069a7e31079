import { personKey } from '../relief/relief-ledger.service';
import { checkCsvHeader, checkExpenseRecord, RECORD_FIELDS } from './expense-record';

const TODAY = new Date('2026-11-24T02:00:00Z');
const opts = { currentYear: 2026, today: TODAY };

function row(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    idNumber: '11010519491231002x',
    name: '王五',
    streetCode: '330106001',
    insuranceType: 'RETIREE',
    category: 'DIBAO',
    year: 2026,
    inPolicyCost: '62000.00',
    insurancePaid: '40000.00',
    reliefPaid: '8000.5',
    outOfPolicyCost: '3000',
    ...overrides,
  };
}

const fields = (raw: unknown, o: { fromCsv?: boolean } = {}): string[] => {
  const check = checkExpenseRecord(raw, { ...opts, ...o });
  return 'errors' in check ? check.errors.map((e) => e.field).sort() : [];
};

describe('checkExpenseRecord', () => {
  it('should accept a good row, upper-case the ID and key the person by its hash', () => {
    const check = checkExpenseRecord(row(), opts);
    expect(check).toEqual({
      record: expect.objectContaining({
        idNumber: '11010519491231002X',
        personKey: personKey('11010519491231002X'),
        insuranceType: 'RETIREE',
        category: 'DIBAO',
        year: 2026,
        reliefPaid: '8000.5',
      }),
    });
  });

  it('should treat a missing or empty category as none', () => {
    const { category: _c, ...noCategory } = row();
    expect(checkExpenseRecord(noCategory, opts)).toEqual({
      record: expect.objectContaining({ category: null }),
    });
    expect(
      checkExpenseRecord({ ...row(), year: '2026', category: '' }, { ...opts, fromCsv: true }),
    ).toEqual({ record: expect.objectContaining({ category: null, year: 2026 }) });
  });

  it('should name every bad field of a row', () => {
    expect(
      fields(
        row({
          idNumber: '110105194912310021',
          name: '',
          streetCode: '330-106',
          insuranceType: 'FARMER',
          category: 'RICH',
          year: 2027,
          inPolicyCost: 100.5,
          insurancePaid: '-1.00',
          reliefPaid: '1.234',
          outOfPolicyCost: '1e5',
          extra: 'x',
        }),
      ),
    ).toEqual([
      'category',
      'extra',
      'idNumber',
      'inPolicyCost',
      'insurancePaid',
      'insuranceType',
      'name',
      'outOfPolicyCost',
      'reliefPaid',
      'streetCode',
      'year',
    ]);
  });

  it('should refuse a name that did not decode as UTF-8 (a GBK file)', () => {
    const gbk = Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]).toString('utf8'); // 张三 in GBK
    expect(fields(row({ name: gbk }))).toEqual(['name']);
  });

  it('should require every field but the category', () => {
    expect(fields({})).toEqual(RECORD_FIELDS.filter((f) => f !== 'category').sort());
    expect(fields(null)).toEqual(['row']);
  });

  it('should refuse insurance and relief paying more than the in-policy cost', () => {
    expect(
      fields(row({ inPolicyCost: '100.00', insurancePaid: '100.01', reliefPaid: '0' })),
    ).toEqual(['insurancePaid']);
    expect(
      fields(row({ inPolicyCost: '100.00', insurancePaid: '60.00', reliefPaid: '40.01' })),
    ).toEqual(['reliefPaid']);
    expect(
      fields(row({ inPolicyCost: '100.00', insurancePaid: '60.00', reliefPaid: '40.00' })),
    ).toEqual([]);
  });

  it('should read the year as digits in a CSV and as a whole number in JSON', () => {
    expect(fields(row({ year: '2026' }), { fromCsv: true })).toEqual([]);
    expect(fields(row({ year: '2026' }))).toEqual(['year']);
    expect(fields(row({ year: '26' }), { fromCsv: true })).toEqual(['year']);
    expect(fields(row({ year: 1999 }))).toEqual(['year']);
    expect(fields(row({ year: 2025.5 }))).toEqual(['year']);
  });
});

describe('checkCsvHeader', () => {
  it('should accept the fields in any order, the category optional', () => {
    expect(checkCsvHeader([...RECORD_FIELDS].reverse())).toEqual([]);
    expect(checkCsvHeader(RECORD_FIELDS.filter((f) => f !== 'category'))).toEqual([]);
  });

  it('should name unknown, repeated and missing columns', () => {
    expect(checkCsvHeader(['idNumber', 'idNumber', 'street', 'name'])).toEqual(
      expect.arrayContaining([
        'column "idNumber" is given twice',
        expect.stringContaining('unknown column "street"'),
        'missing column "streetCode"',
        'missing column "year"',
      ]),
    );
  });
});

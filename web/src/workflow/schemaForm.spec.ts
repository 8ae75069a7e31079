import { fieldErrorsToSchema, schemaValidator } from './schemaForm';
import { fallbackEventSchema } from './fallbackSchemas';

describe('generated event forms', () => {
  it('should place the service field errors on the fields they name, and keep the rest', () => {
    const { errorSchema, unplaced } = fieldErrorsToSchema(
      [
        { field: 'reason', message: '金额不同须说明理由' },
        { field: 'expenses[0].totalCost', message: 'bad' },
        { field: '', message: 'rule' },
      ],
      ['reason', 'amount'],
    );
    expect(errorSchema).toEqual({ reason: { __errors: ['金额不同须说明理由'] } });
    expect(unplaced.map((e) => e.field)).toEqual(['expenses[0].totalCost', '']);
  });

  it('should validate a payload in the browser without compiling code (CSP), naming each field', () => {
    const schema = fallbackEventSchema('relief-application', 'RECORD_PAYMENT')!;
    const bad = schemaValidator.validateFormData({ amount: '12,000' }, schema);
    expect(bad.errors.map((e) => [e.name, e.property])).toEqual(
      expect.arrayContaining([
        ['required', '.reference'],
        ['pattern', '.amount'],
      ]),
    );
    expect(bad.errorSchema).toMatchObject({ reference: { __errors: [expect.any(String)] } });
    const good = schemaValidator.validateFormData(
      { amount: '12000.00', reference: 'BANK-1' },
      schema,
    );
    expect(good.errors).toEqual([]);
  });
});

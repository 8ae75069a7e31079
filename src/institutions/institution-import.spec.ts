import { csvToObjects, validateInstitutionRows } from './institution-import';

describe('institution import (检查对象名录库)', () => {
  it('should read CSV columns as the JSON fields, empty cells as absent and level as a number', () => {
    expect(
      csvToObjects(
        '\uFEFFcode,name,type,level,district,creditGrade\nH1, 西溪医院 ,HOSPITAL,3,,A\n\n',
      ),
    ).toEqual([{ code: 'H1', name: '西溪医院', type: 'HOSPITAL', level: 3, creditGrade: 'A' }]);
  });

  it('should refuse a CSV whose rows do not fit its header, naming the line', () => {
    expect(() => csvToObjects('code,name,type\nH1,西溪医院\n')).toThrow(/line 2/);
  });

  it('should accept one object or an array, and report every bad row with its number', async () => {
    const one = await validateInstitutionRows({ code: 'H1', name: '西溪医院', type: 'HOSPITAL' });
    expect(one.rejected).toEqual([]);
    expect(one.rows.map((r) => r.code)).toEqual(['H1']);

    const batch = await validateInstitutionRows([
      { code: 'H1', name: '西溪医院', type: 'HOSPITAL', level: 3, creditGrade: 'B' },
      { code: 'H2', name: '', type: 'SHOP' },
      { code: 'h1', name: '重复', type: 'CLINIC' },
      'not an object',
      { code: 'H3', name: '诊所', type: 'CLINIC', level: 4, creditGrade: 'F', extra: 1 },
    ]);
    expect(batch.rows.map((r) => r.code)).toEqual(['H1']);
    expect(batch.rejected.map((r) => [r.row, r.errors.map((e) => e.field).sort()])).toEqual([
      [2, ['name', 'type']],
      [3, ['code']],
      [4, ['row']],
      [5, ['creditGrade', 'extra', 'level']],
    ]);
    expect(batch.rejected[1].errors[0].message).toBe('code h1 is already given in row 1');
  });

  it('should refuse an empty import', async () => {
    expect((await validateInstitutionRows([])).rejected).toEqual([
      { row: 0, errors: [{ field: 'body', message: 'no rows' }] },
    ]);
  });
});

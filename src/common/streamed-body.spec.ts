import { Readable } from 'node:stream';
import { readTextBody } from './streamed-body';

describe('readTextBody', () => {
  it('should return the body as UTF-8 text', async () => {
    await expect(
      readTextBody(Readable.from([Buffer.from('a,b\n'), Buffer.from('甲,乙\n')]), undefined, 100),
    ).resolves.toBe('a,b\n甲,乙\n');
  });

  it('should refuse a body past the limit with a 413, declared or not', async () => {
    await expect(
      readTextBody(Readable.from([Buffer.alloc(60), Buffer.alloc(60)]), undefined, 100),
    ).rejects.toMatchObject({ statusCode: 413 });
    await expect(readTextBody(Readable.from([Buffer.alloc(1)]), '101', 100)).rejects.toMatchObject({
      statusCode: 413,
    });
  });
});

import { detectAttachmentType, extensionOf, looksLikeText } from './attachment-type';

/** The first bytes of real files of each kind (enough for their magic numbers). */
const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n');
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4c50000000049454e44ae426082',
  'hex',
);
const JPEG = Buffer.concat([
  Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'),
  Buffer.alloc(64),
  Buffer.from('ffd9', 'hex'),
]);
/** A Windows executable: "MZ", then the PE header a little further on. */
const EXE = (() => {
  const b = Buffer.alloc(256);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  return b;
})();
const CFB = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(504)]);

describe('detectAttachmentType', () => {
  it.each([
    ['a PDF', PDF, 'scan.pdf', 'application/pdf'],
    ['a PNG', PNG, '低保证.png', 'image/png'],
    ['a JPEG named .jpeg', JPEG, 'invoice.jpeg', 'image/jpeg'],
    ['a JPEG without an extension', JPEG, 'photo', 'image/jpeg'],
    ['UTF-8 text', Buffer.from('补正说明：住院发票已补交。\n'), 'note.txt', 'text/plain'],
    ['CSV', Buffer.from('date,amount\n2026-03-02,52000.00\n'), 'expenses.csv', 'text/csv'],
    ['an old Word file', CFB, 'minutes.doc', 'application/msword'],
  ])('should accept %s and report what the bytes are', async (_what, bytes, name, type) => {
    await expect(detectAttachmentType(bytes, name)).resolves.toMatchObject({
      ok: true,
      contentType: type,
    });
  });

  it('should refuse an executable, whatever its name says', async () => {
    const result = await detectAttachmentType(EXE, 'certificate.pdf');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/not accepted/);
  });

  it('should refuse a PNG named .pdf as a disguised file', async () => {
    const result = await detectAttachmentType(PNG, 'certificate.pdf');
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/disguised/) });
  });

  it('should refuse text named as a PDF, and binary noise named as text', async () => {
    expect((await detectAttachmentType(Buffer.from('hello'), 'fake.pdf')).ok).toBe(false);
    expect((await detectAttachmentType(Buffer.from([0, 1, 2, 3, 4]), 'a.txt')).ok).toBe(false);
  });

  it('should refuse a compound binary file that does not claim to be an old Office file', async () => {
    expect((await detectAttachmentType(CFB, 'setup.msi')).ok).toBe(false);
  });
});

describe('extensionOf and looksLikeText', () => {
  it('should take the last extension, lower-cased, of the base name only', () => {
    expect(extensionOf('a.tar.PDF')).toBe('pdf');
    expect(extensionOf('dir.d/readme')).toBe('');
    expect(extensionOf('.hidden')).toBe('');
  });

  it('should take tabs and line breaks as text and NUL bytes as binary', () => {
    expect(looksLikeText(Buffer.from('a\tb\r\nc'))).toBe(true);
    expect(looksLikeText(Buffer.from([0x41, 0x00]))).toBe(false);
  });
});

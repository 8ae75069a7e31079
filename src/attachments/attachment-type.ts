import { fileTypeFromBuffer } from 'file-type';

/**
 * What an attachment's bytes are (never what its name or the client says), and whether the
 * bureau takes it: PDF, JPEG, PNG, Word/Excel/PowerPoint (OOXML and the old binary formats),
 * plain text and CSV. Magic bytes come from `file-type`; text has none, so it is recognised by
 * the absence of binary control bytes. A name whose extension contradicts the bytes (an .exe
 * called .pdf, a PNG called .pdf) is a disguised file and refused.
 */

interface Accepted {
  contentType: string;
  extensions: readonly string[];
  label: string;
}

/** By `file-type`'s extension. */
const BY_MAGIC: Readonly<Record<string, Accepted>> = {
  pdf: { contentType: 'application/pdf', extensions: ['pdf'], label: 'a PDF document' },
  jpg: { contentType: 'image/jpeg', extensions: ['jpg', 'jpeg'], label: 'a JPEG image' },
  png: { contentType: 'image/png', extensions: ['png'], label: 'a PNG image' },
  docx: {
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['docx'],
    label: 'a Word document',
  },
  xlsx: {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extensions: ['xlsx'],
    label: 'an Excel workbook',
  },
  pptx: {
    contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    extensions: ['pptx'],
    label: 'a PowerPoint presentation',
  },
};

/** The old Office formats share one container (Compound File Binary): the name says which. */
const COMPOUND_FILE: Readonly<Record<string, Accepted>> = {
  doc: { contentType: 'application/msword', extensions: ['doc'], label: 'a Word 97 document' },
  xls: {
    contentType: 'application/vnd.ms-excel',
    extensions: ['xls'],
    label: 'an Excel 97 workbook',
  },
  ppt: {
    contentType: 'application/vnd.ms-powerpoint',
    extensions: ['ppt'],
    label: 'a PowerPoint 97 presentation',
  },
};

const TEXT: Readonly<Record<string, Accepted>> = {
  csv: { contentType: 'text/csv', extensions: ['csv'], label: 'CSV text' },
  txt: { contentType: 'text/plain', extensions: ['txt', 'text'], label: 'plain text' },
};

export const ACCEPTED_EXTENSIONS: readonly string[] = [
  ...new Set(
    [...Object.values(BY_MAGIC), ...Object.values(COMPOUND_FILE), ...Object.values(TEXT)].flatMap(
      (a) => a.extensions,
    ),
  ),
];

export type Detection =
  { ok: true; contentType: string; extension: string } | { ok: false; reason: string };

/** The lower-case extension of a file name, or '' when it has none. */
export function extensionOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/**
 * Text in any ASCII-compatible encoding (UTF-8, GB18030): no NUL and no C0 control byte other
 * than tab, line feed, form feed, carriage return and escape.
 */
export function looksLikeText(content: Uint8Array): boolean {
  for (const byte of content) {
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d) {
      if (byte !== 0x1b) {
        return false;
      }
    }
  }
  return true;
}

function accept(type: Accepted, extension: string, fileName: string): Detection {
  if (extension !== '' && !type.extensions.includes(extension)) {
    return {
      ok: false,
      reason: `the name "${fileName}" says .${extension} but the content is ${type.label}: a disguised file is refused`,
    };
  }
  return { ok: true, contentType: type.contentType, extension: extension || type.extensions[0] };
}

export async function detectAttachmentType(
  content: Uint8Array,
  fileName: string,
): Promise<Detection> {
  const extension = extensionOf(fileName);
  const found = await fileTypeFromBuffer(content);
  if (found) {
    const known = BY_MAGIC[found.ext];
    if (known) {
      return accept(known, extension, fileName);
    }
    if (found.ext === 'cfb') {
      const legacy = COMPOUND_FILE[extension];
      return legacy
        ? accept(legacy, extension, fileName)
        : {
            ok: false,
            reason: `the content is a compound binary file; only .doc, .xls and .ppt files of that kind are accepted (the name says "${fileName}")`,
          };
    }
    return {
      ok: false,
      reason: `the content is ${found.mime} (.${found.ext}), which is not accepted; accepted: ${ACCEPTED_EXTENSIONS.join(', ')}`,
    };
  }
  if (looksLikeText(content)) {
    return accept(extension === 'csv' ? TEXT.csv : TEXT.txt, extension, fileName);
  }
  return {
    ok: false,
    reason: `the content is not a recognised document, image or text; accepted: ${ACCEPTED_EXTENSIONS.join(', ')}`,
  };
}

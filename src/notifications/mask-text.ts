import { maskIdNumber, maskPersonalData, maskPhone } from '../common/masking';

/** An 18-character resident ID (17 digits + a digit or X) standing alone in a text. */
const ID_NUMBER = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
/** A mainland mobile number (11 digits starting 13–19) standing alone in a text. */
const MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/g;

/**
 * Notification texts never carry a full resident ID or phone (docs/api.md "Conventions", masking):
 * whatever a caller
 * put in the title or body is masked here, the same way as in lists (6 + ******** + 4, 3 + **** + 4).
 */
export function maskText(text: string): string {
  return text.replace(ID_NUMBER, (id) => maskIdNumber(id)).replace(MOBILE, (p) => maskPhone(p));
}

/** `maskPersonalData` (idNumber / phone fields) plus `maskText` on every string. */
export function maskDeep<T>(value: T): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      return maskText(v);
    }
    if (Array.isArray(v)) {
      return v.map(walk);
    }
    if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(maskPersonalData(value)) as T;
}

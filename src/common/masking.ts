/**
 * Personal data masking (docs/api.md): outside the case view itself, a resident ID shows its first
 * 6 and last 4 characters, a phone its first 3 and last 4.
 */
export function maskIdNumber(id: string): string {
  return id.length <= 10 ? '*'.repeat(id.length) : `${id.slice(0, 6)}********${id.slice(-4)}`;
}

export function maskPhone(phone: string): string {
  return phone.length <= 7
    ? '*'.repeat(phone.length)
    : `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

/** A name on a public notice (公示): the surname's character and one star, `张三` -> `张*`. */
export function maskName(name: string): string {
  const first = [...name.trim()][0];
  return first === undefined ? '*' : `${first}*`;
}

const MASKERS: Partial<Record<string, (value: string) => string>> = {
  idNumber: maskIdNumber,
  phone: maskPhone,
};

/** A deep copy of `value` with every `idNumber` and `phone` string masked, wherever it sits. */
export function maskPersonalData<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map((v: unknown) => maskPersonalData(v)) as T;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const mask = MASKERS[k];
      out[k] = mask && typeof v === 'string' ? mask(v) : maskPersonalData(v);
    }
    return out as T;
  }
  return value;
}

/**
 * Money inside the machines, without floats and without dependencies: decimal strings with at
 * most two places become BigInt cents for comparisons and sums.
 */
const MONEY = /^(\d+)(?:\.(\d{1,2}))?$/;

/** `"100.5"` -> 10050n; anything that is not a non-negative amount with at most two places -> null. */
export function toCents(amount: string | undefined): bigint | null {
  const match = amount === undefined ? null : MONEY.exec(amount);
  if (!match) {
    return null;
  }
  return BigInt(match[1]) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
}

/** 10050n -> `"100.50"`. */
export function formatCents(cents: bigint): string {
  const digits = cents.toString().padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/**
 * An amount with exactly two places (docs/api.md: money is `"12345.60"`); an invalid one is kept as
 * given.
 */
export function normaliseMoney(amount: string): string {
  const cents = toCents(amount);
  return cents === null ? amount : formatCents(cents);
}

export function hasText(value: string | undefined): value is string {
  return value !== undefined && value.trim().length > 0;
}

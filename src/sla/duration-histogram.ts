/**
 * Durations in log-scale buckets, so percentiles over any range are read from pre-aggregated
 * counts (sla_rollups) instead of millions of raw rows. Bucket 0 holds [0, 1 s); bucket b ≥ 1
 * holds [1 s × γ^(b−1), 1 s × γ^b) with γ = 1.05, and a bucket reports its geometric middle:
 * a percentile is within ±2.5% of the exact value (nearest-rank) — 20 s shows as 19.6–20.4 s,
 * 3 days as 2.93–3.07 days. 1 s to 10 years fits in 370 buckets.
 */
export const GAMMA = 1.05;
const LN_GAMMA = Math.log(GAMMA);
const MAX_BUCKET = 32_000;

export function bucketOf(ms: number): number {
  if (!(ms >= 1000)) {
    return 0;
  }
  return Math.min(MAX_BUCKET, 1 + Math.floor(Math.log(ms / 1000) / LN_GAMMA + 1e-9));
}

/** The value a bucket stands for: its geometric middle (500 ms for bucket 0). */
export function bucketValue(bucket: number): number {
  return bucket <= 0 ? 500 : Math.round(1000 * GAMMA ** (bucket - 0.5));
}

/** Nearest-rank percentile (0 < p ≤ 1) of a histogram `bucket -> count`; null when empty. */
export function percentile(histogram: ReadonlyMap<number, number>, p: number): number | null {
  let total = 0;
  for (const n of histogram.values()) {
    total += n;
  }
  if (total === 0) {
    return null;
  }
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const bucket of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(bucket)!;
    if (seen >= rank) {
      return bucketValue(bucket);
    }
  }
  return null;
}

export function addTo(histogram: Map<number, number>, bucket: number, n: number): void {
  histogram.set(bucket, (histogram.get(bucket) ?? 0) + n);
}

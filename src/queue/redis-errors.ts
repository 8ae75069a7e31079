/**
 * ioredis' errors while Redis is down or failing over (a request that needed Redis then answers
 * 503 with Retry-After, not 500). The producer connection fails fast (no offline queue), so
 * these reach the caller at once.
 */
const REDIS_DOWN_MESSAGES = [
  'Connection is closed',
  "Stream isn't writeable",
  'Redis is not reachable',
  'All sentinels are unreachable',
  'Failed to refresh slots cache',
];

export function isRedisUnavailable(e: unknown): boolean {
  if (!(e instanceof Error)) {
    return false;
  }
  return (
    e.name === 'MaxRetriesPerRequestError' ||
    REDIS_DOWN_MESSAGES.some((m) => e.message.includes(m)) ||
    /^(READONLY|LOADING|MASTERDOWN)\b/.test(e.message)
  );
}

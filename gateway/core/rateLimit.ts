/**
 * Connection-rate limiting (a token bucket) and failed-login throttling per source address. Pure: time is a
 * parameter and state is returned, so the gateway can hold it in a bounded map.
 */
export interface TokenBucket {
  readonly tokens: number;
  readonly updatedAt: number;
}

export function takeToken(bucket: TokenBucket | undefined, ratePerSecond: number, now: number): { allowed: boolean; bucket: TokenBucket } {
  const capacity = Math.max(1, ratePerSecond);
  const start = bucket ?? { tokens: capacity, updatedAt: now };
  const refilled = Math.min(capacity, start.tokens + (Math.max(0, now - start.updatedAt) * ratePerSecond) / 1000);
  if (refilled < 1) return { allowed: false, bucket: { tokens: refilled, updatedAt: now } };
  return { allowed: true, bucket: { tokens: refilled - 1, updatedAt: now } };
}

export interface LoginFailures {
  readonly count: number;
  readonly windowStart: number;
  readonly blockedUntil: number;
}

export interface ThrottlePolicy {
  /** Failed logins per window before the address is blocked. */
  readonly limit: number;
  readonly windowMs: number;
  readonly blockMs: number;
}

/** True while the address must be refused without even checking its credentials (no scrypt for attackers). */
export const isBlocked = (entry: LoginFailures | undefined, now: number): boolean => entry !== undefined && now < entry.blockedUntil;

export function recordFailure(entry: LoginFailures | undefined, policy: ThrottlePolicy, now: number): LoginFailures {
  const fresh = !entry || now - entry.windowStart >= policy.windowMs;
  const count = fresh ? 1 : entry.count + 1;
  const windowStart = fresh ? now : entry.windowStart;
  return { count, windowStart, blockedUntil: count >= policy.limit ? now + policy.blockMs : (entry?.blockedUntil ?? 0) };
}

/** A Map that forgets its oldest keys beyond `capacity`, so per-address state cannot grow without bound. */
export class BoundedMap<K, V> {
  readonly #entries = new Map<K, V>();
  constructor(readonly capacity: number) {}
  get(key: K): V | undefined {
    return this.#entries.get(key);
  }
  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    while (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }
  delete(key: K): void {
    this.#entries.delete(key);
  }
  get size(): number {
    return this.#entries.size;
  }
}

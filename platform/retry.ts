import { Counter } from "prom-client";
import { describeError } from "./errors.ts";
import { metricsRegistry } from "./metrics.ts";

/** A retry policy is named data, so every retry loop in the system is visible and tunable by name. */
export interface RetryPolicy {
  readonly name: string;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly multiplier: number;
  /** Fraction of the delay randomised away ("full jitter" = 1): spreads retry storms. */
  readonly jitter: number;
  /** Attempts in total including the first; Infinity only for infrastructure we must wait for (never silently). */
  readonly maxAttempts: number;
}

export const retryPolicies = {
  kafkaProduce: { name: "kafka_produce", initialDelayMs: 100, maxDelayMs: 5_000, multiplier: 2, jitter: 0.5, maxAttempts: 8 },
  databaseWrite: { name: "database_write", initialDelayMs: 200, maxDelayMs: 10_000, multiplier: 2, jitter: 0.5, maxAttempts: Infinity },
  registryCall: { name: "registry_call", initialDelayMs: 100, maxDelayMs: 3_000, multiplier: 2, jitter: 0.5, maxAttempts: 6 },
  startup: { name: "startup", initialDelayMs: 250, maxDelayMs: 5_000, multiplier: 2, jitter: 0.3, maxAttempts: 20 },
} as const satisfies Record<string, RetryPolicy>;

/** Pure: the delay before attempt `attempt` (1 = the first retry). `random` returns [0, 1). */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** Math.max(0, attempt - 1));
  const jitterSpan = exponential * policy.jitter;
  return Math.round(exponential - jitterSpan + random() * jitterSpan);
}

export const retriesTotal = new Counter({
  name: "fleetline_retries_total",
  help: "Retries performed, by policy and error code",
  labelNames: ["policy", "code"] as const,
  registers: [metricsRegistry],
});

export interface RetryOptions {
  /** Decides whether an error can succeed later; defaults to the error's own `retriable` flag. */
  isRetriable?: (error: unknown) => boolean;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  signal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export async function withRetry<T>(policy: RetryPolicy, operation: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const isRetriable = options.isRetriable ?? ((error) => describeError(error).retriable);
  const sleep = options.sleep ?? abortableSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= policy.maxAttempts || !isRetriable(error) || options.signal?.aborted) throw error;
      const delayMs = backoffDelayMs(policy, attempt);
      retriesTotal.inc({ policy: policy.name, code: describeError(error).code });
      options.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs, options.signal);
    }
  }
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

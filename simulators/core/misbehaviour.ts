import { chance, exponential, type Random } from "./rng.ts";
import type { RetryPolicy } from "../../platform/retry.ts";

/** Real-world misbehaviour switches; every fraction is in [0, 1) and 0 turns the behaviour off. */
export interface MisbehaviourConfig {
  /** Long-run fraction of time each vehicle's network is down (random outages, see `meanOutageMs`). */
  readonly lossFraction: number;
  readonly meanOutageMs: number;
  /** Fraction of messages sent a second time (same event_id, same seq). */
  readonly duplicateFraction: number;
  /** Fraction of messages held back and sent after the vehicle's next message. */
  readonly reorderFraction: number;
  /** Fraction of messages replaced by a malformed payload. */
  readonly malformedFraction: number;
  /** Each vehicle's clock is off by a constant drawn uniformly from [−maxSkewMs, +maxSkewMs]. */
  readonly maxSkewMs: number;
  /** Messages a vehicle keeps while it cannot send; when full the oldest is dropped (and counted). */
  readonly bufferCapacity: number;
}

export const defaultMisbehaviour: MisbehaviourConfig = Object.freeze({
  lossFraction: 0,
  meanOutageMs: 5_000,
  duplicateFraction: 0,
  reorderFraction: 0,
  malformedFraction: 0,
  maxSkewMs: 0,
  bufferCapacity: 1_000,
});

/** Backoff between reconnect attempts: jittered exponential, never giving up (a vehicle always comes back). */
export const reconnectPolicy: RetryPolicy = Object.freeze({
  name: "simulator_reconnect",
  initialDelayMs: 200,
  maxDelayMs: 10_000,
  multiplier: 2,
  jitter: 0.5,
  maxAttempts: Infinity,
});

export interface SendDecision {
  readonly malformed: boolean;
  readonly duplicate: boolean;
  readonly reorder: boolean;
}

/** What to do with one generated message: three independent draws, always three, so streams stay aligned. */
export function decideSend(random: Random, config: MisbehaviourConfig): SendDecision {
  const malformed = chance(random, config.malformedFraction);
  const duplicate = chance(random, config.duplicateFraction);
  const reorder = chance(random, config.reorderFraction);
  return { malformed, duplicate, reorder };
}

/**
 * Whether an outage starts in the next `dtMs` of connected time. Outages start at rate λ and last `meanOutageMs`
 * on average, so the long-run down fraction is λ·mean / (1 + λ·mean); λ is chosen to make that `lossFraction`.
 */
export function outageStarts(random: Random, config: MisbehaviourConfig, dtMs: number): boolean {
  if (config.lossFraction <= 0 || dtMs <= 0) return false;
  const loss = Math.min(config.lossFraction, 0.95);
  const ratePerMs = loss / ((1 - loss) * config.meanOutageMs);
  return chance(random, 1 - Math.exp(-ratePerMs * dtMs));
}

/** Length of one outage: exponential around the mean (many blips, a few long tunnels). */
export const outageDurationMs = (random: Random, config: MisbehaviourConfig): number =>
  Math.max(1, Math.round(exponential(random, config.meanOutageMs)));

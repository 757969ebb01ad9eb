/** Pure ramp policy: raise the offered rate step by step until PUBACK p99 or delivery breaks the bound. */
export interface RampStep {
  readonly offeredRate: number;
  readonly achievedRate: number;
  readonly p99Ms: number | undefined;
  readonly failed: number;
  readonly unacked: number;
}

export interface RampPolicy {
  readonly startRate: number;
  readonly factor: number;
  readonly maxSteps: number;
  readonly p99BoundMs: number;
  /** A step counts only when the fleet achieved at least this fraction of the offered rate. */
  readonly minAchievedFraction: number;
}

export function stepHolds(step: RampStep, policy: RampPolicy): boolean {
  return (
    step.failed === 0 &&
    step.unacked === 0 &&
    step.p99Ms !== undefined &&
    step.p99Ms <= policy.p99BoundMs &&
    step.achievedRate >= policy.minAchievedFraction * step.offeredRate
  );
}

/** The next rate to offer, or undefined when the ramp is over (a step broke the bound or steps ran out). */
export function nextRampRate(history: readonly RampStep[], policy: RampPolicy): number | undefined {
  if (history.length === 0) return policy.startRate;
  const last = history[history.length - 1];
  if (!last || !stepHolds(last, policy) || history.length >= policy.maxSteps) return undefined;
  return Math.round(last.offeredRate * policy.factor);
}

/** The highest step that held the bound. */
export function bestSustained(history: readonly RampStep[], policy: RampPolicy): RampStep | undefined {
  return history.filter((step) => stepHolds(step, policy)).sort((a, b) => b.achievedRate - a.achievedRate)[0];
}

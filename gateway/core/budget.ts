/**
 * The overload budget: messages and bytes read from vehicles but not yet acknowledged by Kafka. Pure state
 * machine; the aedes adapter applies its verdicts (shed QoS 0, refuse connections, pause sockets).
 */
export interface BudgetLimits {
  readonly maxMessages: number;
  readonly maxBytes: number;
  /** Fractions of the budget (0 < soft < high < hard ≤ 1). */
  readonly softMark: number;
  readonly highMark: number;
  readonly hardMark: number;
  /** Per-client messages waiting for Kafka before its socket is paused; resumed at half. */
  readonly perClientInflight: number;
}

/** normal → soft (shed QoS 0) → high (refuse new connections) → hard (stop reading every socket). */
export type Level = "normal" | "soft" | "high" | "hard";

export interface BudgetState {
  readonly messages: number;
  readonly bytes: number;
}

export const emptyBudget: BudgetState = { messages: 0, bytes: 0 };

export function reserve(state: BudgetState, bytes: number): BudgetState {
  return { messages: state.messages + 1, bytes: state.bytes + bytes };
}

export function release(state: BudgetState, bytes: number): BudgetState {
  return { messages: Math.max(0, state.messages - 1), bytes: Math.max(0, state.bytes - bytes) };
}

/** The fullest of the two dimensions, as a fraction of its limit. */
export const usage = (state: BudgetState, limits: BudgetLimits): number =>
  Math.max(state.messages / limits.maxMessages, state.bytes / limits.maxBytes);

export function levelOf(state: BudgetState, limits: BudgetLimits): Level {
  const used = usage(state, limits);
  if (used >= limits.hardMark) return "hard";
  if (used >= limits.highMark) return "high";
  if (used >= limits.softMark) return "soft";
  return "normal";
}

const rank: Record<Level, number> = { normal: 0, soft: 1, high: 2, hard: 3 };

/** What to do with one incoming publish at the current level. QoS 1 is never shed: it has been read already and
 * the vehicle keeps it until PUBACK, so it is admitted and slows the sender through pausing instead. */
export function admitPublish(level: Level, qos: number): "accept" | "shed" {
  return qos === 0 && rank[level] >= rank.soft ? "shed" : "accept";
}

export const acceptsConnections = (level: Level): boolean => rank[level] < rank.high;
export const readingAllowed = (level: Level): boolean => rank[level] < rank.hard;

/** Per-client: pause at the cap, resume once half of it has drained (hysteresis avoids pause/resume flapping). */
export function clientReading(paused: boolean, inflight: number, limits: BudgetLimits): boolean {
  if (!paused) return inflight < limits.perClientInflight;
  return inflight <= Math.floor(limits.perClientInflight / 2);
}

export function validateLimits(limits: BudgetLimits): string[] {
  const problems: string[] = [];
  if (!(limits.softMark > 0 && limits.softMark < limits.highMark && limits.highMark < limits.hardMark && limits.hardMark <= 1))
    problems.push("expected 0 < soft < high < hard ≤ 1");
  if (limits.maxMessages < 1 || limits.maxBytes < 1 || limits.perClientInflight < 1) problems.push("limits must be ≥ 1");
  return problems;
}

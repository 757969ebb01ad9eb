import {
  clientReading, emptyBudget, levelOf, readingAllowed, release, reserve, type BudgetLimits, type BudgetState, type Level,
} from "../core/budget.ts";
import { gatewayMetrics as metrics } from "../metrics.ts";

/** The two things flow control does to a connection. */
export interface Pausable {
  pause(): void;
  resume(): void;
}

export interface FlowSession {
  readonly client: Pausable;
  inflight: number;
  capPaused: boolean;
  paused: boolean;
}

const levelNumber: Record<Level, number> = { normal: 0, soft: 1, high: 2, hard: 3 };

/**
 * Applies the pure budget to live connections: counts messages waiting for Kafka per client and globally,
 * pauses a client at its cap and every client at the hard mark, resumes them as acknowledgements return.
 */
export function createFlowControl(limits: BudgetLimits, onLevelChange: (from: Level, to: Level, budget: BudgetState) => void = () => undefined) {
  let budget = emptyBudget;
  let level: Level = "normal";
  const sessions = new Set<FlowSession>();

  function apply(session: FlowSession): void {
    const capAllows = clientReading(session.capPaused, session.inflight, limits);
    if (!capAllows && !session.capPaused) metrics.pauses.inc({ cause: "client_cap" });
    session.capPaused = !capAllows;
    const reading = capAllows && readingAllowed(level);
    if (reading === !session.paused) return;
    session.paused = !reading;
    metrics.pausedClients.inc(session.paused ? 1 : -1);
    if (session.paused) session.client.pause();
    else session.client.resume();
  }

  function updateLevel(): void {
    metrics.inflightMessages.set(budget.messages);
    metrics.inflightBytes.set(budget.bytes);
    const next = levelOf(budget, limits);
    if (next === level) return;
    const previous = level;
    level = next;
    metrics.overloadLevel.set(levelNumber[next]);
    onLevelChange(previous, next, budget);
    if (next === "hard") metrics.pauses.inc({ cause: "global_hard_mark" });
    if (previous === "hard" || next === "hard") for (const session of sessions) apply(session);
  }

  return {
    level: (): Level => level,
    budget: (): BudgetState => budget,
    register(client: Pausable): FlowSession {
      const session: FlowSession = { client, inflight: 0, capPaused: false, paused: false };
      sessions.add(session);
      apply(session);
      return session;
    },
    /** Forget a closed connection; its in-flight messages still release the global budget as they settle. */
    unregister(session: FlowSession): void {
      if (!sessions.delete(session)) return;
      if (session.paused) metrics.pausedClients.dec();
      session.paused = false;
    },
    begin(session: FlowSession, bytes: number): void {
      budget = reserve(budget, bytes);
      session.inflight++;
      if (sessions.has(session)) apply(session);
      updateLevel();
    },
    end(session: FlowSession, bytes: number): void {
      budget = release(budget, bytes);
      session.inflight = Math.max(0, session.inflight - 1);
      updateLevel();
      if (sessions.has(session)) apply(session);
    },
  };
}

export type FlowControl = ReturnType<typeof createFlowControl>;

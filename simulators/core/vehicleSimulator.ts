import { createTelemetryGenerator, drawClockSkewMs } from "./generator.ts";
import { malformPayload } from "./malformed.ts";
import { decideSend, outageDurationMs, outageStarts, type MisbehaviourConfig } from "./misbehaviour.ts";
import { reorderFlush, reorderStep, type ReorderState } from "./reorder.ts";
import { createRandom } from "./rng.ts";
import type { SimulationCounters } from "./stats.ts";

/** One MQTT publish the vehicle wants to make. `eventId` is null for malformed payloads (nothing to audit). */
export interface OutboundMessage {
  readonly body: string;
  readonly eventId: string | null;
  readonly seq: number;
  readonly duplicate: boolean;
  readonly malformed: boolean;
}

export interface VehicleSimulatorOptions {
  readonly seed: string;
  readonly vin: string;
  readonly clock: () => number;
  readonly misbehaviour: MisbehaviourConfig;
  readonly counters: SimulationCounters;
  readonly newId?: () => string;
  readonly schemaVersion?: 1 | 2;
}

export interface VehicleSimulator {
  readonly vin: string;
  readonly clockSkewMs: number;
  /** Generates the next payload and returns the publishes it leads to (0–3: held back, duplicated, released). */
  produce(): OutboundMessage[];
  /** Releases a held-back message at the end of a run. */
  flush(): OutboundMessage[];
  /** Whether the vehicle's network is up at `clock()`; may start a new outage (counted). */
  isOnline(): boolean;
  offlineUntil(): number;
}

/**
 * The pure part of one simulated vehicle: data generator plus misbehaviour decisions, all from seeded streams
 * (physics, ids, send decisions, outages are separate streams, so switching a misbehaviour on never changes data).
 */
export function createVehicleSimulator(options: VehicleSimulatorOptions): VehicleSimulator {
  const { seed, vin, clock, misbehaviour, counters } = options;
  const generator = createTelemetryGenerator({
    seed,
    vin,
    clock,
    clockSkewMs: drawClockSkewMs(seed, vin, misbehaviour.maxSkewMs),
    ...(options.newId ? { newId: options.newId } : {}),
    ...(options.schemaVersion ? { schemaVersion: options.schemaVersion } : {}),
  });
  const decisions = createRandom(`${seed}:${vin}:send`);
  const network = createRandom(`${seed}:${vin}:network`);
  let reorder: ReorderState<OutboundMessage> = { held: undefined };
  let downUntil = -Infinity;
  let lastCheck: number | undefined;

  return {
    vin,
    clockSkewMs: generator.clockSkewMs,
    offlineUntil: () => downUntil,
    produce() {
      const payload = generator.next();
      counters.generated += 1;
      const decision = decideSend(decisions, misbehaviour);
      const message: OutboundMessage = decision.malformed
        ? { body: malformPayload(payload, decisions).body, eventId: null, seq: payload.seq, duplicate: false, malformed: true }
        : { body: JSON.stringify(payload), eventId: payload.event_id, seq: payload.seq, duplicate: false, malformed: false };
      const step = reorderStep(reorder, message, decision.reorder);
      if (step.state.held !== undefined && reorder.held === undefined) counters.reordered += 1;
      reorder = step.state;
      return decision.duplicate ? [...step.send, { ...message, duplicate: true }] : step.send;
    },
    flush() {
      const rest = reorderFlush(reorder);
      reorder = { held: undefined };
      return rest;
    },
    isOnline() {
      const now = clock();
      if (now < downUntil) return false;
      const since = Math.max(lastCheck ?? now, downUntil);
      lastCheck = now;
      if (!outageStarts(network, misbehaviour, now - since)) return true;
      downUntil = now + outageDurationMs(network, misbehaviour);
      counters.outages += 1;
      return false;
    },
  };
}

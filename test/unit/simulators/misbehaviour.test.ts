import { describe, expect, it } from "vitest";
import { backoffDelayMs } from "../../../platform/retry.ts";
import { BoundedBuffer } from "../../../simulators/core/boundedBuffer.ts";
import { drawClockSkewMs } from "../../../simulators/core/generator.ts";
import { createSeededUuid } from "../../../simulators/core/ids.ts";
import { malformPayload } from "../../../simulators/core/malformed.ts";
import { defaultMisbehaviour, reconnectPolicy, type MisbehaviourConfig } from "../../../simulators/core/misbehaviour.ts";
import { createRandom } from "../../../simulators/core/rng.ts";
import { newCounters } from "../../../simulators/core/stats.ts";
import { auditableEventId, isWellFormedTelemetry, type TelemetryPayload } from "../../../simulators/core/telemetry.ts";
import { createVehicleSimulator, type OutboundMessage } from "../../../simulators/core/vehicleSimulator.ts";
import { generateFleetVins } from "../../../simulators/core/vin.ts";

const config = (overrides: Partial<MisbehaviourConfig>): MisbehaviourConfig => ({ ...defaultMisbehaviour, ...overrides });

function runFleet(misbehaviour: MisbehaviourConfig, vehicles = 20, messagesEach = 1_000) {
  const counters = newCounters();
  const sent: OutboundMessage[] = [];
  let now = 0;
  for (const vin of generateFleetVins(createRandom("fleet"), vehicles)) {
    const vehicle = createVehicleSimulator({ seed: "switches", vin, clock: () => now, misbehaviour, counters });
    for (let i = 0; i < messagesEach; i++) {
      now += 1_000;
      sent.push(...vehicle.produce());
    }
    sent.push(...vehicle.flush());
  }
  return { counters, sent };
}

describe("misbehaviour switches", () => {
  it("sends the stated fraction of duplicates, each with the original event_id", () => {
    // Given 10% duplicates  // When 20 000 messages are generated
    const { counters, sent } = runFleet(config({ duplicateFraction: 0.1 }));
    const duplicates = sent.filter((m) => m.duplicate);
    // Then about 10% are resent, and every duplicate repeats an event_id already sent
    expect(duplicates.length / counters.generated).toBeCloseTo(0.1, 1);
    expect(Math.abs(duplicates.length / counters.generated - 0.1)).toBeLessThan(0.01);
    const originals = new Set(sent.filter((m) => !m.duplicate).map((m) => m.eventId));
    expect(duplicates.every((m) => originals.has(m.eventId))).toBe(true);
  });

  it("sends the stated fraction out of order and never loses a reordered message", () => {
    // Given 5% reordering  // When 20 000 messages are generated
    const { counters, sent } = runFleet(config({ reorderFraction: 0.05 }));
    // Then ~5% arrive after a later seq of the same vehicle, and every seq is sent exactly once
    expect(Math.abs(counters.reordered / counters.generated - 0.05)).toBeLessThan(0.006);
    let inversions = 0;
    const seen = new Map<string, number>();
    for (const message of sent) {
      const vin = (JSON.parse(message.body) as TelemetryPayload).vin;
      if ((seen.get(vin) ?? -1) > message.seq) inversions += 1;
      seen.set(vin, Math.max(seen.get(vin) ?? -1, message.seq));
    }
    // (a message held back at a vehicle's very last send is released at the end, without an inversion)
    expect(inversions).toBeLessThanOrEqual(counters.reordered);
    expect(inversions).toBeGreaterThanOrEqual(counters.reordered - 20);
    expect(sent.length).toBe(counters.generated);
    expect(new Set(sent.map((m) => m.eventId)).size).toBe(counters.generated);
  });

  it("replaces the stated fraction with payloads that no contract accepts", () => {
    // Given 3% malformed  // When 20 000 messages are generated
    const { counters, sent } = runFleet(config({ malformedFraction: 0.03 }));
    const malformed = sent.filter((m) => m.malformed);
    // Then ~3% are malformed, none of them is auditable, and all the others are well-formed
    expect(Math.abs(malformed.length / counters.generated - 0.03)).toBeLessThan(0.005);
    expect(malformed.every((m) => m.eventId === null && auditableEventId(m.body) === null)).toBe(true);
    expect(sent.filter((m) => !m.malformed).every((m) => auditableEventId(m.body) === m.eventId)).toBe(true);
  });

  it("produces every kind of malformed payload, none of which is well-formed", () => {
    // Given a valid payload  // When malformed 600 times
    const random = createRandom("malformed");
    const { sent } = runFleet(config({}), 1, 1);
    const payload = JSON.parse(sent[0]!.body) as TelemetryPayload;
    const kinds = new Set<string>();
    for (let i = 0; i < 600; i++) {
      const { kind, body } = malformPayload(payload, random);
      kinds.add(kind);
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        parsed = undefined;
      }
      // Then the result never passes the contract check
      expect(isWellFormedTelemetry(parsed)).toBe(false);
    }
    expect(kinds.size).toBe(6);
  });

  it("keeps each vehicle offline for the stated fraction of time", () => {
    // Given 20% loss with 5 s mean outages, observed every 100 ms for ~28 simulated hours per vehicle count
    const misbehaviour = config({ lossFraction: 0.2, meanOutageMs: 5_000 });
    const counters = newCounters();
    let now = 0;
    let offline = 0;
    let total = 0;
    for (const vin of generateFleetVins(createRandom("loss"), 10)) {
      const vehicle = createVehicleSimulator({ seed: "loss", vin, clock: () => now, misbehaviour, counters });
      for (let i = 0; i < 100_000; i++) {
        now += 100;
        total += 1;
        if (!vehicle.isOnline()) offline += 1;
      }
    }
    // Then the offline fraction is within 2 points of 20%, through many distinct outages
    expect(Math.abs(offline / total - 0.2)).toBeLessThan(0.02);
    expect(counters.outages).toBeGreaterThan(2_000);
  });

  it("gives each vehicle a constant clock skew within the bound, spread over the whole range", () => {
    // Given a 30 s bound  // When skews are drawn for 2 000 vehicles
    const skews = generateFleetVins(createRandom("skew"), 2_000).map((vin) => drawClockSkewMs("s", vin, 30_000));
    // Then all are within ±30 s, both signs occur, and the mean is near zero
    expect(skews.every((s) => Math.abs(s) <= 30_000)).toBe(true);
    expect(Math.min(...skews)).toBeLessThan(-25_000);
    expect(Math.max(...skews)).toBeGreaterThan(25_000);
    expect(Math.abs(skews.reduce((a, b) => a + b, 0) / skews.length)).toBeLessThan(2_000);
    expect(drawClockSkewMs("s", "1M8GDM9AXKP042788", 0)).toBe(0);
  });

  it("stamps event_time with the vehicle's skewed clock", () => {
    // Given a vehicle with skew  // When it produces a message at wall time 1 000 000
    const vehicle = createVehicleSimulator({
      seed: "s", vin: "1M8GDM9AXKP042788", clock: () => 1_000_000, misbehaviour: config({ maxSkewMs: 30_000 }),
      counters: newCounters(), newId: createSeededUuid(createRandom("x")),
    });
    const payload = JSON.parse(vehicle.produce()[0]!.body) as TelemetryPayload;
    // Then event_time = wall clock + skew
    expect(payload.event_time).toBe(1_000_000 + vehicle.clockSkewMs);
    expect(vehicle.clockSkewMs).not.toBe(0);
  });

  it("turns every switch off by default: one well-formed publish per generated payload", () => {
    // Given the defaults  // When 20 000 messages are generated
    const { counters, sent } = runFleet(defaultMisbehaviour);
    // Then nothing is duplicated, reordered or malformed
    expect(sent.length).toBe(counters.generated);
    expect(sent.every((m) => !m.duplicate && !m.malformed)).toBe(true);
    expect(counters.reordered).toBe(0);
  });
});

describe("bounded local buffer", () => {
  it("drops the oldest entries when full and counts each drop", () => {
    // Given a buffer of 3  // When 5 entries are pushed
    const buffer = new BoundedBuffer<number>(3);
    const evicted = [1, 2, 3, 4, 5].map((n) => buffer.push(n));
    // Then 1 and 2 were dropped and counted, and 3..5 remain in order
    expect(evicted).toEqual([undefined, undefined, undefined, 1, 2]);
    expect(buffer.dropped).toBe(2);
    expect(buffer.drain()).toEqual([3, 4, 5]);
  });

  it("keeps FIFO order through many pushes and shifts", () => {
    // Given a large buffer  // When 10 000 entries pass through with interleaved shifts
    const buffer = new BoundedBuffer<number>(100_000);
    const out: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      buffer.push(i);
      if (i % 3 === 0) out.push(buffer.shift()!);
    }
    out.push(...buffer.drain());
    // Then order is preserved and nothing is dropped
    expect(out).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    expect(buffer.dropped).toBe(0);
  });
});

describe("reconnect backoff", () => {
  it("grows exponentially with jitter and stays within the policy's bounds", () => {
    // Given the simulator's reconnect policy and a seeded jitter stream
    const random = createRandom("backoff");
    // When delays are drawn for attempts 1..10, many times
    for (let attempt = 1; attempt <= 10; attempt++) {
      const base = Math.min(reconnectPolicy.maxDelayMs, reconnectPolicy.initialDelayMs * 2 ** (attempt - 1));
      const delays = Array.from({ length: 200 }, () => backoffDelayMs(reconnectPolicy, attempt, random));
      // Then each lies in [base·(1−jitter), base] and they are actually spread
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(Math.round(base * (1 - reconnectPolicy.jitter)));
      expect(Math.max(...delays)).toBeLessThanOrEqual(base);
      expect(new Set(delays).size).toBeGreaterThan(10);
    }
  });
});

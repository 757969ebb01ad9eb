import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, describe, expect, it } from "vitest";
import { auditableEventId } from "../../../simulators/core/telemetry.ts";
import { startSimulation } from "../../../simulators/mqtt/simulation.ts";

// The local stack's Mosquitto (anonymous allowed) is the baseline broker the simulator must drive as-is.
const MOSQUITTO_URL = "mqtt://127.0.0.1:1883";
const storeDir = mkdtempSync(join(tmpdir(), "sim-mosquitto-"));
afterAll(() => rmSync(storeDir, { recursive: true, force: true }));

describe("simulator against Mosquitto over TCP", () => {
  it("delivers every PUBACKed event_id to a subscriber, through outages, duplicates, reordering and malformed payloads", async () => {
    // Given a QoS1 subscriber on every vehicle's telemetry topic, with its own unique seed space
    const seed = `mosquitto-${process.pid}-${Date.now()}`;
    const subscriber = await mqtt.connectAsync(MOSQUITTO_URL, { protocolVersion: 4, clean: true });
    const received = new Map<string, number>();
    let malformedReceived = 0;
    subscriber.on("message", (_topic, payload) => {
      const eventId = auditableEventId(payload);
      if (eventId === null) malformedReceived += 1;
      else received.set(eventId, (received.get(eventId) ?? 0) + 1);
    });
    const simulation = startSimulation({
      mqttUrl: MOSQUITTO_URL,
      vehicles: 20,
      ratePerSecond: 400,
      durationMs: 3_000,
      seed,
      storeDir,
      misbehaviour: { lossFraction: 0.1, meanOutageMs: 500, duplicateFraction: 0.05, reorderFraction: 0.05, malformedFraction: 0.02 },
    });
    await subscriber.subscribeAsync(simulation.vins.map((vin) => `vehicles/${vin}/telemetry`), { qos: 1 });

    // When the run completes (duration plus drain)
    const summary = await simulation.finished;
    await expect.poll(() => received.size, { timeout: 10_000 }).toBeGreaterThanOrEqual(summary.ackedEventIds);
    await subscriber.endAsync();

    // Then every message was acknowledged, each acknowledged event_id reached the subscriber, and the switches fired
    expect(summary.generated).toBe(1_200);
    expect(summary.failed).toBe(0);
    expect(summary.unacked).toBe(0);
    expect(summary.droppedFromBuffer).toBe(0);
    expect(summary.acked).toBe(summary.published);
    // (a malformed payload that is also duplicated counts twice in malformedSent)
    expect(summary.ackedEventIds).toBeGreaterThanOrEqual(summary.generated - summary.malformedSent);
    expect(summary.ackedEventIds).toBeLessThan(summary.generated);
    for (const eventId of simulation.tracker.ackedEventIds()) expect(received.has(eventId)).toBe(true);
    expect(summary.duplicatesSent).toBeGreaterThan(0);
    expect(summary.malformedSent).toBeGreaterThan(0);
    expect(malformedReceived).toBeGreaterThanOrEqual(summary.malformedSent);
    expect(summary.outages).toBeGreaterThan(0);
    expect(summary.reconnects).toBeGreaterThan(0);
    expect(summary.pubackP99Ms).toBeDefined();
  });
});

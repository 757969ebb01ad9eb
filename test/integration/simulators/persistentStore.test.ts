import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Aedes } from "aedes";
import { afterAll, describe, expect, it } from "vitest";
import { createSeededUuid } from "../../../simulators/core/ids.ts";
import { createRandom } from "../../../simulators/core/rng.ts";
import { auditableEventId } from "../../../simulators/core/telemetry.ts";
import { startSimulation } from "../../../simulators/mqtt/simulation.ts";

const storeDir = mkdtempSync(join(tmpdir(), "sim-store-"));
afterAll(() => rmSync(storeDir, { recursive: true, force: true }));

/** An aedes broker on a free port that PUBACKs only while `accepting` (a withheld callback = no PUBACK, ever). */
async function startWithholdingBroker() {
  const state = { accepting: false, withheld: new Set<string>(), accepted: new Set<string>() };
  const broker = await Aedes.createBroker({
    authorizePublish(_client, packet, done) {
      const eventId = auditableEventId(packet.payload);
      if (eventId === null) return done(null);
      if (!state.accepting) return void state.withheld.add(eventId);
      state.accepted.add(eventId);
      done(null);
    },
  });
  const connections: { destroy(): void }[] = [];
  broker.on("client", (client) => connections.push(client.conn));
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  const close = () => new Promise<void>((resolve) => broker.close(() => server.close(() => resolve())));
  return { state, url: `mqtt://127.0.0.1:${address.port}`, close, dropConnections: () => connections.splice(0).forEach((c) => c.destroy()) };
}

describe("persistent outgoing store", () => {
  it("redelivers every un-PUBACKed message after the simulator process is restarted on the same store", async () => {
    // Given a broker that withholds every PUBACK, and a first simulator run that publishes 30 messages
    const broker = await startWithholdingBroker();
    const seed = `restart-${process.pid}-${Date.now()}`;
    const options = { mqttUrl: broker.url, vehicles: 3, seed, storeDir };
    const first = startSimulation({ ...options, ratePerSecond: 30, durationMs: 1_000 });
    await expect.poll(() => first.snapshot().counters.published, { timeout: 10_000 }).toBe(30);
    await expect.poll(() => broker.state.withheld.size, { timeout: 10_000 }).toBeGreaterThan(0);

    // When it dies without a single PUBACK (sockets dropped, as a crash), and a new one starts on the same store
    const crashed = await first.abort();
    expect(crashed.acked).toBe(0);
    expect(crashed.unacked).toBe(30);
    broker.state.accepting = true;
    const second = startSimulation({ ...options, ratePerSecond: 1, durationMs: 1 }); // generates nothing new
    const summary = await second.finished;
    await broker.close();

    // Then all 30 messages arrive (by event_id, recomputed from the seed) and are acknowledged in the second run
    const expected = first.vins.flatMap((vin) => {
      const newId = createSeededUuid(createRandom(`${seed}:${vin}:ids`));
      return Array.from({ length: 10 }, () => newId());
    });
    expect(summary.generated).toBe(0);
    expect(summary.recoveredFromStore).toBe(30);
    expect(summary.recoveredAcked).toBe(30);
    expect(summary.unacked).toBe(0);
    expect([...broker.state.accepted].sort()).toEqual([...expected].sort());
    expect([...second.tracker.ackedEventIds()].sort()).toEqual([...expected].sort());
    for (const eventId of broker.state.withheld) expect(broker.state.accepted.has(eventId)).toBe(true);
  });

  it("resends an un-PUBACKed message on reconnect within the same process", async () => {
    // Given a broker withholding PUBACKs and a running simulator that has published
    const broker = await startWithholdingBroker();
    const simulation = startSimulation({ mqttUrl: broker.url, vehicles: 1, seed: `reconnect-${Date.now()}`, storeDir, ratePerSecond: 5, durationMs: 1_000 });
    await expect.poll(() => broker.state.withheld.size, { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => simulation.snapshot().counters.published, { timeout: 10_000 }).toBe(5);

    // When the broker starts accepting and drops the vehicle's connection (the network blips)
    broker.state.accepting = true;
    broker.dropConnections();
    const summary = await simulation.finished;
    await broker.close();

    // Then after the backoff reconnect every message is acknowledged in this process, with its latency measured
    expect(summary.reconnects).toBeGreaterThanOrEqual(1);
    expect(summary.acked).toBe(5);
    expect(summary.failed).toBe(0);
    expect(summary.unacked).toBe(0);
    expect(broker.state.accepted.size).toBe(5);
    expect(summary.pubackP50Ms).toBeDefined();
  });
});

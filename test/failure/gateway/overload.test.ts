import { mkdtempSync, rmSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KafkaAdmin, KafkaClient, KafkaConsumer } from "../../../platform/kafka/port.ts";
import { testKafka } from "../../support/kafka.ts";
import { uniqueName } from "../../support/names.ts";
import { createGatewayTopics, gatewayProcess, provisionVehicles, sumSamples, type GatewayProcess, type GatewayTopics } from "../../integration/gateway/gatewayProcess.ts";
import { startSchemaStack, type SchemaStack } from "../../integration/gateway/schemaStack.ts";
import { startFleetLoad, type FleetLoad } from "./fleetLoad.ts";

const VEHICLES = 60;
const PER_VEHICLE = 150;
/** The stated bound: the gateway's resident memory never exceeds this while overloaded. */
const RSS_BOUND_BYTES = 384 * 1024 * 1024; // measured ~240 MiB (Node + librdkafka + aedes) at this load
let kafka: KafkaClient;
let admin: KafkaAdmin;
let schemas: SchemaStack;
let topics: GatewayTopics;
let gateway: GatewayProcess;
let load: FleetLoad | undefined;
let consumer: KafkaConsumer | undefined;
const storeDir = mkdtempSync(path.join(tmpdir(), "gw-overload-"));

beforeAll(async () => {
  kafka = testKafka();
  admin = await kafka.admin();
  topics = await createGatewayTopics(admin, "gwo");
  schemas = await startSchemaStack("gw_overload");
  // Tiny budgets: 40 messages in flight in all (soft 10, high 20, hard 40), 2 per vehicle.
  gateway = await gatewayProcess({
    databaseUrl: schemas.database.url,
    registryUrl: schemas.registry.url,
    topics,
    env: {
      GLOBAL_INFLIGHT_MESSAGES: "40",
      GLOBAL_INFLIGHT_BYTES: "65536",
      PER_CLIENT_INFLIGHT: "2",
      SOFT_WATERMARK: "0.25",
      HIGH_WATERMARK: "0.5",
      HARD_WATERMARK: "1",
      MAX_CONNECTIONS_PER_SECOND: "100000",
      PRODUCE_TIMEOUT_MS: "30000",
    },
  });
  await gateway.start();
});

afterAll(async () => {
  await load?.stop();
  await gateway?.stop("SIGKILL");
  await consumer?.disconnect();
  await admin?.disconnect();
  await schemas?.close();
  rmSync(storeDir, { recursive: true, force: true });
});

/** Opens and drops one TCP connection: counted as refused when the gateway is above its high watermark. */
function knock(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: "127.0.0.1", port }, () => socket.destroy());
    socket.on("error", () => undefined);
    socket.on("close", () => resolve());
  });
}

describe("gateway offered more than its budgets", () => {
  it("sheds QoS 0, pauses readers and refuses connections (all in /metrics), keeps RSS bounded, and loses no PUBACKed QoS 1", async () => {
    // Given 60 vehicles blasting telemetry (every third message QoS 0) at a gateway allowed 40 messages in flight
    const secrets = await provisionVehicles(schemas.database.url, VEHICLES);
    load = startFleetLoad({ port: gateway.mqttPort, secrets, perVehicle: PER_VEHICLE, intervalMs: 0, storeDir, qos0Every: 3 });
    const current = load;
    const qos1Total = VEHICLES * (PER_VEHICLE - Math.floor(PER_VEHICLE / 3));
    // When the load runs, new connections keep knocking and RSS is sampled
    let maxRss = 0;
    const sample = async () => {
      const text = await gateway.metricsText();
      maxRss = Math.max(maxRss, sumSamples(text, "process_resident_memory_bytes"));
      return text;
    };
    await expect
      .poll(
        async () => {
          await knock(gateway.mqttPort);
          const text = await sample();
          return {
            shed: sumSamples(text, "fleetline_gateway_shed_total", { reason: "overload" }) > 0,
            paused: sumSamples(text, "fleetline_gateway_pauses_total") > 0,
            refused: sumSamples(text, "fleetline_gateway_refused_connections_total", { reason: "overload" }) > 0,
          };
        },
        { timeout: 120_000, interval: 50 },
      )
      .toEqual({ shed: true, paused: true, refused: true });
    // Then every QoS 1 message is eventually PUBACKed (vehicles retry refused connections), RSS sampled throughout
    await current.published;
    await expect
      .poll(
        async () => {
          await sample();
          return current.acked.size;
        },
        { timeout: 60_000, interval: 200 },
      )
      .toBe(qos1Total);
    expect(maxRss).toBeGreaterThan(0);
    expect(maxRss).toBeLessThan(RSS_BOUND_BYTES);
    // And every PUBACKed event_id is in Kafka
    const stored = new Set<string>();
    consumer = await kafka.consumer({ groupId: uniqueName("gwo"), fromBeginning: true });
    await consumer.subscribe([topics.telemetry]);
    await consumer.run((batch) => {
      for (const record of batch.records) stored.add(record.headers.event_id?.toString() ?? "");
      return Promise.resolve();
    });
    await expect.poll(() => [...current.acked].filter((id) => !stored.has(id)).length, { timeout: 60_000 }).toBe(0);
    console.info(`overload: max RSS ${(maxRss / 1024 / 1024).toFixed(0)} MiB; shed ${await gateway.metric("fleetline_gateway_shed_total")}, pauses ${await gateway.metric("fleetline_gateway_pauses_total")}, refused ${await gateway.metric("fleetline_gateway_refused_connections_total")}`);
  });
});

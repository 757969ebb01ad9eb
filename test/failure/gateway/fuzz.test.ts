import { randomUUID } from "node:crypto";
import { connect as tcpConnect } from "node:net";
import fc from "fast-check";
import type { MqttClient } from "mqtt";
import * as mqttPacket from "mqtt-packet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConsumedRecord, KafkaAdmin, KafkaClient, KafkaConsumer } from "../../../platform/kafka/port.ts";
import { testKafka } from "../../support/kafka.ts";
import { uniqueName } from "../../support/names.ts";
import { createGatewayTopics, gatewayProcess, provisionVehicles, type GatewayProcess, type GatewayTopics } from "../../integration/gateway/gatewayProcess.ts";
import { connectVehicle, publishQos1, telemetry } from "../../integration/gateway/harness.ts";
import { startSchemaStack, type SchemaStack } from "../../integration/gateway/schemaStack.ts";

const SEED = 20_240_601;
let kafka: KafkaClient;
let admin: KafkaAdmin;
let schemas: SchemaStack;
let topics: GatewayTopics;
let gateway: GatewayProcess;
let consumer: KafkaConsumer;
let secrets: Map<string, string>;
const records: ConsumedRecord[] = [];

beforeAll(async () => {
  kafka = testKafka();
  admin = await kafka.admin();
  topics = await createGatewayTopics(admin, "gwz");
  schemas = await startSchemaStack("gw_fuzz");
  secrets = await provisionVehicles(schemas.database.url, 3);
  // Fuzzed CONNECTs fail logins from 127.0.0.1 by the hundred: lift the per-address throttle for this test only.
  gateway = await gatewayProcess({
    databaseUrl: schemas.database.url,
    registryUrl: schemas.registry.url,
    topics,
    env: { FAILED_LOGIN_LIMIT: "1000000", MAX_CONNECTIONS_PER_SECOND: "100000", CONNECT_TIMEOUT_MS: "2000" },
  });
  await gateway.start();
  consumer = await kafka.consumer({ groupId: uniqueName("gwz"), fromBeginning: true });
  await consumer.subscribe([topics.telemetry, topics.telemetryDlq]);
  await consumer.run((batch) => {
    records.push(...batch.records);
    return Promise.resolve();
  });
});

afterAll(async () => {
  await gateway?.stop("SIGKILL");
  await consumer?.disconnect();
  await admin?.disconnect();
  await schemas?.close();
});

/** A well-behaved vehicle publishing QoS 1 back to back until stopped; counts PUBACKs and disconnections. */
async function steadyVehicle(vin: string, secret: string) {
  const client: MqttClient = await connectVehicle(gateway.mqttPort, vin, secret);
  let acked = 0;
  let closes = 0;
  let running = true;
  client.on("close", () => closes++);
  const loop = (async () => {
    for (let seq = 0; running; seq++) {
      await publishQos1(client, `vehicles/${vin}/telemetry`, JSON.stringify(telemetry(vin, seq)));
      acked++;
    }
  })();
  return {
    acked: () => acked,
    closes: () => closes,
    async stop() {
      running = false;
      await loop;
      await client.endAsync();
    },
  };
}

/** Writes `bytes` on a fresh TCP connection, half-closes, and waits (bounded) for the gateway to close it. */
function sendRaw(port: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: "127.0.0.1", port });
    // Most sequences end with the gateway closing the connection; a few leave a valid session open: bound those.
    const timer = setTimeout(() => socket.destroy(), 500);
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.on("connect", () => socket.end(bytes));
  });
}

const topicArb = (vin: string) =>
  fc.constantFrom(`vehicles/${vin}/telemetry`, `vehicles/${vin}/ota/status`, "vehicles/+/telemetry", "$SYS/broker", "#", `vehicles/${vin}/ota/commands`, "");

function packetArb(vin: string, secret: string): fc.Arbitrary<mqttPacket.Packet> {
  const id = fc.integer({ min: 1, max: 65_535 });
  return fc.oneof(
    fc.record({
      cmd: fc.constant("connect" as const),
      protocolId: fc.constantFrom("MQTT", "MQIsdp", "XXXX"),
      protocolVersion: fc.constantFrom(3, 4, 5, 0),
      clientId: fc.oneof(fc.constant(vin), fc.string({ maxLength: 30 })),
      clean: fc.boolean(),
      keepalive: fc.integer({ min: 0, max: 65_535 }),
      username: fc.oneof(fc.constant(vin), fc.string({ maxLength: 30 })),
      password: fc.oneof(fc.constant(Buffer.from(secret)), fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes))),
    }),
    fc.record({
      cmd: fc.constant("publish" as const),
      topic: topicArb(vin),
      payload: fc.oneof(fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)), fc.constant(Buffer.from(JSON.stringify(telemetry(vin, 1))))),
      qos: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
      dup: fc.boolean(),
      retain: fc.boolean(),
      messageId: id,
    }),
    fc.record({ cmd: fc.constant("subscribe" as const), messageId: id, subscriptions: fc.array(fc.record({ topic: topicArb(vin), qos: fc.constantFrom<0 | 1 | 2>(0, 1, 2) }), { minLength: 1, maxLength: 3 }) }),
    fc.record({ cmd: fc.constant("unsubscribe" as const), messageId: id, unsubscriptions: fc.array(topicArb(vin), { minLength: 1, maxLength: 2 }) }),
    fc.record({ cmd: fc.constantFrom("pingreq" as const, "disconnect" as const) }),
    fc.record({ cmd: fc.constantFrom("puback" as const, "pubrec" as const, "pubrel" as const, "pubcomp" as const), messageId: id }),
  ) as fc.Arbitrary<mqttPacket.Packet>;
}

type Mutation = { kind: "flip"; at: number; value: number } | { kind: "truncate"; at: number } | { kind: "duplicate"; from: number; length: number } | { kind: "insert"; at: number; bytes: Uint8Array };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("duplicate" as const), from: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
);

function mutate(bytes: Buffer, mutations: readonly Mutation[]): Buffer {
  let out = Buffer.from(bytes);
  for (const mutation of mutations) {
    if (out.length === 0) break;
    switch (mutation.kind) {
      case "flip":
        out[mutation.at % out.length] = mutation.value;
        break;
      case "truncate":
        out = out.subarray(0, mutation.at % out.length);
        break;
      case "duplicate": {
        const from = mutation.from % out.length;
        out = Buffer.concat([out, out.subarray(from, from + mutation.length)]);
        break;
      }
      case "insert": {
        const at = mutation.at % out.length;
        out = Buffer.concat([out.subarray(0, at), Buffer.from(mutation.bytes), out.subarray(at)]);
        break;
      }
    }
  }
  return out;
}

function generate(packets: readonly mqttPacket.Packet[]): Buffer | undefined {
  try {
    return Buffer.concat(packets.map((packet) => mqttPacket.generate(packet)));
  } catch {
    return undefined; // a combination mqtt-packet itself refuses to encode: nothing to send
  }
}

describe("gateway under garbage (fast-check, seeded)", () => {
  it("survives mutated MQTT packets on raw sockets while a well-behaved vehicle keeps getting PUBACKs", async () => {
    // Given a steady vehicle publishing QoS 1, and a fuzz identity whose real credentials the fuzzer sometimes uses
    const [[steadyVin, steadySecret], [fuzzVin, fuzzSecret]] = [...secrets] as [[string, string], [string, string]];
    const steady = await steadyVehicle(steadyVin, steadySecret);
    await expect.poll(() => steady.acked()).toBeGreaterThan(0);
    const ackedBefore = steady.acked();
    // When 300 sequences of generated-then-mutated packets arrive on raw TCP connections
    const validConnect = mqttPacket.generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clientId: fuzzVin, clean: true, keepalive: 30, username: fuzzVin, password: Buffer.from(fuzzSecret) });
    const cases = fc.sample(fc.tuple(fc.boolean(), fc.array(packetArb(fuzzVin, fuzzSecret), { minLength: 1, maxLength: 4 }), fc.array(mutationArb, { maxLength: 3 })), { seed: SEED, numRuns: 300 });
    let sentSequences = 0;
    for (let start = 0; start < cases.length; start += 10) {
      await Promise.all(
        cases.slice(start, start + 10).map(async ([authenticated, packets, mutations]) => {
          const body = generate(packets);
          if (body === undefined) return;
          const mutated = mutate(body, mutations);
          await sendRaw(gateway.mqttPort, authenticated ? Buffer.concat([validConnect, mutated]) : mutated);
          sentSequences++;
        }),
      );
      // Then after every batch the gateway process is still alive
      expect(gateway.alive()).toBe(true);
    }
    // Then the gateway answers health checks, and the steady vehicle kept flowing on its single connection
    expect(sentSequences).toBeGreaterThan(200);
    expect((await fetch(`http://127.0.0.1:${gateway.metricsPort}/healthz`)).status).toBe(200);
    await expect.poll(() => steady.acked(), { timeout: 30_000 }).toBeGreaterThan(ackedBefore + 50);
    expect(steady.closes()).toBe(0);
    await steady.stop();
  });

  it("dead-letters every invalid payload with its reason and stores every valid one", async () => {
    // Given an authenticated vehicle
    const [, , [vin, secret]] = [...secrets] as [[string, string], [string, string], [string, string]];
    const client = await connectVehicle(gateway.mqttPort, vin, secret);
    const fieldNames = Object.keys(telemetry(vin, 0));
    const payloadArb = fc.oneof(
      fc.uint8Array({ maxLength: 2_000 }).map((bytes) => Buffer.from(bytes)),
      fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value))),
      fc.record({ field: fc.constantFrom(...fieldNames), value: fc.jsonValue() }).map(({ field, value }) => Buffer.from(JSON.stringify({ ...telemetry(vin, 5), [field]: value }))),
      fc.nat({ max: 1_000_000 }).map((seq) => Buffer.from(JSON.stringify({ ...telemetry(vin, seq), event_id: randomUUID() }))),
    );
    const payloads = fc.sample(payloadArb, { seed: SEED, numRuns: 150 });
    // When it publishes each QoS 1 (a PUBACK follows the DLQ or topic write)
    for (const payload of payloads) await publishQos1(client, `vehicles/${vin}/telemetry`, payload);
    await client.endAsync();
    // Then each payload is either in the telemetry topic (by event_id) or in the DLQ byte-for-byte with a reason
    const dlqFor = (payload: Buffer) => records.find((record) => record.topic === topics.telemetryDlq && (record.value ?? Buffer.alloc(0)).equals(payload));
    const storedFor = (payload: Buffer) => {
      let eventId: unknown;
      try {
        eventId = (JSON.parse(payload.toString("utf8")) as { event_id?: unknown }).event_id;
      } catch {
        return undefined;
      }
      return records.find((record) => record.topic === topics.telemetry && record.headers.event_id?.toString() === eventId);
    };
    await expect.poll(() => payloads.filter((payload) => !dlqFor(payload) && !storedFor(payload)).map((payload) => payload.toString("base64")), { timeout: 60_000 }).toEqual([]);
    const deadLettered = payloads.map(dlqFor).filter((record) => record !== undefined);
    expect(deadLettered.length).toBeGreaterThan(50);
    for (const record of deadLettered) {
      expect(record.headers["dlq.error.code"]?.toString()).toMatch(/^GW_PAYLOAD_/);
      expect(record.headers["dlq.error.message"]?.toString().length).toBeGreaterThan(0);
      expect(record.key?.toString()).toBe(vin);
    }
    expect(payloads.some((payload) => storedFor(payload) !== undefined)).toBe(true);
    expect(await gateway.metric("fleetline_gateway_dlq_records_total")).toBeGreaterThanOrEqual(deadLettered.length);
    expect(gateway.alive()).toBe(true);
  });
});

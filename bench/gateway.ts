import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:net";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Aedes } from "aedes";
import mqtt, { type MqttClient } from "mqtt";
import { createAvroEncoder } from "../gateway/kafka/encoder.ts";
import { kafkaRecordSink } from "../gateway/kafka/sink.ts";
import { createGateway } from "../gateway/mqtt/aedesGateway.ts";
import { createIngest } from "../gateway/mqtt/ingest.ts";
import { listenTcp } from "../gateway/mqtt/listeners.ts";
import { createKafkaClient } from "../platform/kafka/client.ts";
import { createLogger } from "../platform/log.ts";
import { otaStatusV1, telemetryV2 } from "../schemas/catalog.ts";
import { startRegistry } from "../schemas/registry/server.ts";
import { createSerde } from "../schemas/serde.ts";
import { brokerList, readClusterState } from "../stack/kafkaCluster.ts";
import { stackRoot } from "../stack/paths.ts";
import { ensureDatabase } from "../stack/postgres.ts";
import { isPortInUse } from "../stack/processes.ts";
import { percentile, printTable, writeBenchResult } from "./support.ts";

const usage = `Usage: npm run bench:gateway [-- --seconds 10] [--clients 20] [--window 10]

QoS 1 messages/s and PUBACK latency (p50/p99) of one load generator (mqtt.js, MQTT 3.1.1, N clients with W
messages each in flight) against, in the same run:
  gateway → Kafka   the Fleetline gateway in this process: validate, Avro (embedded registry), produce acks=all
                    to an RF-3 / min-ISR-2 topic, PUBACK after the delivery report
  aedes alone       a bare aedes broker in this process (no Kafka: PUBACK as soon as it is parsed)
  mosquitto         the Mosquitto already on 127.0.0.1:1883 (anonymous), skipped when nothing listens there
  Kafka producer    the same Kafka port producer with no MQTT in front, one record per send, as many sends in
                    flight as the generator has messages: the ceiling the gateway runs against
Each target runs --seconds (after a 1 s warm-up). All traffic stays on 127.0.0.1. Brokers: KAFKA_BROKERS or the
running local stack; DATABASE_URL's server hosts the bench registry database. Writes bench-results/gateway.json.`;

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    clients: { type: "string", default: "20" },
    window: { type: "string", default: "10" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const seconds = Number(values.seconds);
const clientCount = Number(values.clients);
const windowSize = Number(values.window);
const warmupMs = 1_000;
const brokers = process.env.KAFKA_BROKERS?.split(",") ?? brokersFromStack();
const databaseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/fleetline";

function brokersFromStack(): string[] {
  const state = readClusterState(process.env.STACK_DIR ?? path.join(stackRoot, "kafka"));
  if (!state) throw new Error("no running stack: run npm run stack:up or set KAFKA_BROKERS");
  return brokerList(state);
}

interface Figure {
  target: string;
  clients: number;
  window: number;
  messages: number;
  msgs_per_s: number;
  puback_p50_ms: number;
  puback_p99_ms: number;
}

const round = (value: number) => Math.round(value * 100) / 100;
const vinOf = (index: number) => `BENCH${String(index).padStart(12, "0")}`;

function connect(port: number, vin: string): Promise<MqttClient> {
  const client = mqtt.connect({ host: "127.0.0.1", port, protocolVersion: 4, clientId: vin, username: vin, password: "bench", reconnectPeriod: 0, connectTimeout: 10_000 });
  return new Promise((resolve, reject) => {
    client.once("connect", () => resolve(client));
    client.once("error", reject);
  });
}

/** The same closed-loop generator for every target: each client keeps `window` QoS 1 telemetry messages in flight. */
async function load(target: string, port: number): Promise<Figure> {
  const clients = await Promise.all(Array.from({ length: clientCount }, (_, index) => connect(port, vinOf(index))));
  const latencies: number[] = [];
  const started = performance.now();
  const measureFrom = started + warmupMs;
  const deadline = measureFrom + seconds * 1_000;
  let measured = 0;
  await Promise.all(
    clients.map((client, index) => {
      const vin = vinOf(index);
      let seq = 0;
      const lane = async () => {
        while (performance.now() < deadline) {
          const payload = JSON.stringify({ event_id: randomUUID(), vin, event_time: Date.now(), seq: seq++, latitude: 48.1, longitude: 11.5, speed_kph: 50, heading_deg: 90, odometer_km: 1000, battery_soc_pct: 80 });
          const sent = performance.now();
          await client.publishAsync(`vehicles/${vin}/telemetry`, payload, { qos: 1 });
          const now = performance.now();
          if (sent >= measureFrom && now <= deadline) {
            latencies.push(now - sent);
            measured++;
          }
        }
      };
      return Promise.all(Array.from({ length: windowSize }, lane));
    }),
  );
  await Promise.all(clients.map((client) => client.endAsync()));
  latencies.sort((a, b) => a - b);
  return { target, clients: clientCount, window: windowSize, messages: measured, msgs_per_s: Math.round(measured / seconds), puback_p50_ms: round(percentile(latencies, 0.5)), puback_p99_ms: round(percentile(latencies, 0.99)) };
}

/** The ceiling the gateway sits on: the same Kafka port producer, one record per send, clients × window sends in flight. */
async function loadProducer(producer: { send(topic: string, records: readonly { key: string; value: Buffer }[]): Promise<unknown> }, topic: string): Promise<Figure> {
  const value = Buffer.alloc(220); // about one Avro telemetry record
  const latencies: number[] = [];
  const measureFrom = performance.now() + warmupMs;
  const deadline = measureFrom + seconds * 1_000;
  await Promise.all(
    Array.from({ length: clientCount * windowSize }, async (_, lane) => {
      const key = vinOf(lane % clientCount);
      while (performance.now() < deadline) {
        const sent = performance.now();
        await producer.send(topic, [{ key, value }]);
        const now = performance.now();
        if (sent >= measureFrom && now <= deadline) latencies.push(now - sent);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { target: "Kafka port producer alone (1 record/send)", clients: clientCount, window: windowSize, messages: latencies.length, msgs_per_s: Math.round(latencies.length / seconds), puback_p50_ms: round(percentile(latencies, 0.5)), puback_p99_ms: round(percentile(latencies, 0.99)) };
}

async function benchGateway(): Promise<Figure[]> {
  const kafka = createKafkaClient({ brokers, clientId: "bench-gateway", kind: "confluent" });
  const admin = await kafka.admin();
  const topics = { telemetry: `bench.gateway.telemetry.${Date.now()}`, telemetryDlq: `bench.gateway.dlq.${Date.now()}`, otaStatus: `bench.gateway.ota.${Date.now()}` };
  await admin.createTopics(Object.values(topics).map((name) => ({ name, partitions: 12, replicationFactor: 3, configs: { "min.insync.replicas": "2", "retention.ms": String(3_600_000) } })));
  await admin.disconnect();
  const benchDatabase = new URL(databaseUrl);
  benchDatabase.pathname = "/fleetline_bench_gateway";
  await ensureDatabase(benchDatabase.toString());
  const registry = await startRegistry({ databaseUrl: benchDatabase.toString(), port: 0 });
  const producer = await kafka.producer({ lingerMs: 2, deliveryTimeoutMs: 30_000 });
  try {
    const encoder = await createAvroEncoder(createSerde({ registryUrl: registry.url }), { telemetry: telemetryV2, telemetryVersion: 2, otaStatus: otaStatusV1, otaStatusVersion: 1 });
    const gateway = await createGateway({
      ingest: createIngest({ sink: kafkaRecordSink(producer), encoder, now: Date.now, produceTimeoutMs: 30_000, topics }),
      authenticator: { authenticate: () => Promise.resolve(true) }, // credentials are not what is measured here
      limits: { maxMessages: 50_000, maxBytes: 64 * 1024 * 1024, softMark: 0.6, highMark: 0.8, hardMark: 1, perClientInflight: 100 },
      maxPacketBytes: 64 * 1024,
      connectTimeoutMs: 10_000,
      maxConnectionsPerSecond: 10_000,
      loginThrottle: { limit: 1_000, windowMs: 60_000, blockMs: 60_000 },
      clientCertIdentity: false,
      now: Date.now,
      logger: createLogger("bench-gateway", "warn"),
    });
    const listener = await listenTcp(gateway.handleConnection, "127.0.0.1", 0);
    try {
      return [await load("gateway → Kafka (acks=all, RF 3)", listener.port), await loadProducer(producer, topics.telemetry)];
    } finally {
      await listener.close();
      await gateway.close();
    }
  } finally {
    await producer.disconnect();
    await registry.close();
  }
}

async function benchAedes(): Promise<Figure> {
  const broker = new Aedes();
  await broker.listen();
  const server: Server = createServer((socket) => broker.handle(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  try {
    return await load("aedes alone (no Kafka)", typeof address === "object" && address ? address.port : 0);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => broker.close(() => resolve()));
  }
}

async function main(): Promise<void> {
  // Three Kafka JVMs share this machine's cores with the gateway: the load average says how contended the run was.
  const machine = { cpus: cpus().length, loadavg1mAtStart: round(loadavg()[0] ?? 0) };
  console.log(`${clientCount} clients × ${windowSize} in flight, QoS 1, ${seconds} s per target (+1 s warm-up); ${machine.cpus} CPUs, load ${machine.loadavg1mAtStart}`);
  const figures: Figure[] = [...(await benchGateway()), await benchAedes()];
  const mosquitto = (await isPortInUse(1883)) ? await load("mosquitto (127.0.0.1:1883)", 1883) : undefined;
  if (mosquitto) figures.push(mosquitto);
  else console.log("mosquitto: nothing listens on 127.0.0.1:1883, skipped");
  printTable(figures.map((figure) => ({ ...figure })));
  const [gateway, producerAlone, aedes] = figures as [Figure, Figure, Figure];
  const ratios = {
    gateway_vs_producer_alone_throughput: round(gateway.msgs_per_s / producerAlone.msgs_per_s),
    gateway_vs_aedes_throughput: round(gateway.msgs_per_s / aedes.msgs_per_s),
    gateway_vs_mosquitto_throughput: mosquitto ? round(gateway.msgs_per_s / mosquitto.msgs_per_s) : null,
    gateway_vs_aedes_p50: round(gateway.puback_p50_ms / aedes.puback_p50_ms),
  };
  console.log(`\nratios: ${JSON.stringify(ratios)}`);
  const file = writeBenchResult("gateway", { benchmark: "gateway-qos1", at: new Date().toISOString(), machine, settings: { seconds, warmupMs, clients: clientCount, window: windowSize, brokers: brokers.length, acks: "all", replicationFactor: 3 }, figures, ratios });
  console.log(`written ${file}`);
}

main().then(
  () => process.exit(process.exitCode ?? 0), // librdkafka and pg keep handles briefly; the run is over
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

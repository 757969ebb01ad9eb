import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { createKafkaClient } from "../platform/kafka/client.ts";
import type { OutgoingRecord } from "../platform/kafka/port.ts";
import { brokerList, readClusterState } from "../stack/kafkaCluster.ts";
import { kafkaLibDir, stackRoot } from "../stack/paths.ts";
import { printTable, writeBenchResult } from "./support.ts";
import path from "node:path";

const usage = `Usage: npm run bench:kafka [-- --records N] [--record-bytes 256] [--vins 10000] [--inflight 32] [--batch 1000]

Producer throughput (acks=all, RF 3, min ISR 2, keyed by VIN) of the Confluent adapter, the kafkajs adapter and
Kafka's own ProducerPerformance tool, against the same cluster in the same run. Brokers: KAFKA_BROKERS or the
running local stack. Writes bench-results/kafka.json.`;

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "300000" },
    "record-bytes": { type: "string", default: "256" },
    vins: { type: "string", default: "10000" },
    inflight: { type: "string", default: "32" },
    batch: { type: "string", default: "1000" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const records = Number(values.records);
const recordBytes = Number(values["record-bytes"]);
const vinCount = Number(values.vins);
const inflight = Number(values.inflight);
const batchSize = Number(values.batch);

const brokers = process.env.KAFKA_BROKERS?.split(",") ?? brokersFromStack();
function brokersFromStack(): string[] {
  const state = readClusterState(process.env.STACK_DIR ?? path.join(stackRoot, "kafka"));
  if (!state) throw new Error("no running stack: run npm run stack:up or set KAFKA_BROKERS");
  return brokerList(state);
}

interface Figure {
  producer: string;
  records: number;
  seconds: number;
  records_per_s: number;
  mb_per_s: number;
  keyed: boolean;
}

async function benchAdapter(kind: "confluent" | "kafkajs", topic: string): Promise<Figure> {
  const client = createKafkaClient({ brokers, clientId: `bench-${kind}`, kind });
  const producer = await client.producer({ lingerMs: 5, batchSizeBytes: 1_000_000 });
  const payload = randomBytes(recordBytes);
  const vins = Array.from({ length: vinCount }, (_, index) => `BENCH${String(index).padStart(12, "0")}`);
  const batches: OutgoingRecord[][] = [];
  for (let start = 0; start < records; start += batchSize) {
    batches.push(Array.from({ length: Math.min(batchSize, records - start) }, (_, index) => ({ key: vins[(start + index) % vinCount] ?? "", value: payload })));
  }
  const started = process.hrtime.bigint();
  let next = 0;
  // A bounded number of sends in flight: the same window for both adapters.
  await Promise.all(
    Array.from({ length: inflight }, async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        if (batch) await producer.send(topic, batch);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await producer.disconnect();
  return { producer: `${kind} adapter`, records, seconds: round(seconds), records_per_s: Math.round(records / seconds), mb_per_s: round((records * recordBytes) / seconds / 1e6), keyed: true };
}

function benchJavaTool(topic: string): Figure {
  const result = spawnSync(
    "java",
    ["-Xmx512m", "-cp", `${kafkaLibDir}/*`, "org.apache.kafka.tools.ProducerPerformance", "--topic", topic, "--num-records", String(records), "--record-size", String(recordBytes), "--throughput", "-1",
      "--producer-props", `bootstrap.servers=${brokers.join(",")}`, "acks=all", "enable.idempotence=true", "linger.ms=5", "batch.size=1000000"],
    { encoding: "utf8" },
  );
  const summary = result.stdout.trim().split("\n").pop() ?? "";
  const match = /([\d.]+) records\/sec \(([\d.]+) MB\/sec\)/.exec(summary);
  if (result.status !== 0 || !match) throw new Error(`ProducerPerformance failed:\n${result.stdout}${result.stderr}`);
  const perSecond = Number(match[1]);
  // The tool reports MiB/s; convert to MB/s like the other rows.
  return { producer: "Kafka ProducerPerformance (Java)", records, seconds: round(records / perSecond), records_per_s: Math.round(perSecond), mb_per_s: round((Number(match[2]) * 1024 * 1024) / 1e6), keyed: false };
}

const round = (value: number) => Math.round(value * 100) / 100;

async function main(): Promise<void> {
  const client = createKafkaClient({ brokers, clientId: "bench-admin", kind: "confluent" });
  const admin = await client.admin();
  const topic = `bench.producer.${Date.now()}`;
  await admin.createTopics([{ name: topic, partitions: 12, replicationFactor: 3, configs: { "min.insync.replicas": "2", "retention.ms": String(3_600_000) } }]);
  await admin.disconnect();
  console.log(`${records} records of ${recordBytes} B, ${vinCount} VIN keys, acks=all, RF 3, topic ${topic} (12 partitions)`);
  const java = benchJavaTool(topic);
  const confluent = await benchAdapter("confluent", topic);
  const kafkajs = await benchAdapter("kafkajs", topic);
  const figures = [java, confluent, kafkajs];
  printTable(figures.map((figure) => ({ ...figure, keyed: figure.keyed ? "yes" : "no (tool has no key option)" })));
  const ratios = {
    confluent_vs_java_tool: round(confluent.records_per_s / java.records_per_s),
    kafkajs_vs_java_tool: round(kafkajs.records_per_s / java.records_per_s),
    confluent_vs_kafkajs: round(confluent.records_per_s / kafkajs.records_per_s),
  };
  console.log(`\nratios: ${JSON.stringify(ratios)}`);
  const file = writeBenchResult("kafka", { benchmark: "kafka-producer", at: new Date().toISOString(), settings: { records, recordBytes, vinCount, inflight, batchSize, brokers: brokers.length }, figures, ratios });
  console.log(`written ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

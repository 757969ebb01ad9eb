import { createKafkaClient } from "../../platform/kafka/client.ts";
import type { KafkaAdmin, KafkaClient } from "../../platform/kafka/port.ts";
import { waitFor } from "../../stack/processes.ts";

export const kafkaKinds = ["confluent", "kafkajs"] as const;

/** Brokers of the stack the global setup prepared. */
export function testBrokers(): string[] {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error("KAFKA_BROKERS is not set: run this file through the integration or failure suite");
  return brokers.split(",");
}

export function stackDir(): string {
  const dir = process.env.FLEETLINE_STACK_DIR;
  if (!dir) throw new Error("FLEETLINE_STACK_DIR is not set: failure tests need a stack started by stack/ (npm run stack:up)");
  return dir;
}

export function testKafka(kind: "confluent" | "kafkajs" = "confluent", clientId = "fleetline-test"): KafkaClient {
  return createKafkaClient({ brokers: testBrokers(), clientId, kind });
}

/** A private RF-3 / min-ISR-2 topic for one test file. */
export async function createTestTopic(admin: KafkaAdmin, name: string, partitions = 3, configs: Record<string, string> = {}): Promise<string> {
  await admin.createTopics([{ name, partitions, replicationFactor: 3, configs: { "min.insync.replicas": "2", ...configs } }]);
  return name;
}

/** Leader broker id of one partition, read from the cluster (tests never assume node ids). */
export async function leaderOf(admin: KafkaAdmin, topic: string, partition: number): Promise<number> {
  const [metadata] = await admin.describeTopics([topic]);
  const leader = metadata?.partitions.find((entry) => entry.partition === partition)?.leader;
  if (leader === undefined || leader < 0) throw new Error(`no leader for ${topic}[${partition}]`);
  return leader;
}

/** Waits until every partition of `topic` has its full ISR again (e.g. after a broker restart). */
export async function waitForFullIsr(admin: KafkaAdmin, topic: string, replicas = 3, timeoutMs = 120_000): Promise<void> {
  await waitFor(
    async () => {
      const [metadata] = await admin.describeTopics([topic]);
      return metadata?.partitions.every((partition) => partition.isr.length >= replicas) ? true : undefined;
    },
    { timeoutMs, intervalMs: 500, what: `full ISR on ${topic}` },
  );
}

import { confluentClient } from "./confluentAdapter.ts";
import { kafkajsClient } from "./kafkajsAdapter.ts";
import type { KafkaClient } from "./port.ts";

export type { KafkaClient } from "./port.ts";

/** The one place a Kafka client is chosen: KAFKA_CLIENT=confluent (default) or kafkajs. */
export function createKafkaClient(options: { brokers: readonly string[]; clientId: string; kind?: "confluent" | "kafkajs" }): KafkaClient {
  return (options.kind ?? "confluent") === "kafkajs" ? kafkajsClient(options) : confluentClient(options);
}

import confluent from "@confluentinc/kafka-javascript";
import { confluentProducer } from "./confluentProducer.ts";
import { toConsumerBatch } from "./batch.ts";
import { kafkajsAdmin } from "./kafkajsAdmin.ts";
import kafkajs from "kafkajs";
import type { ConsumerOptions, KafkaClient, KafkaConsumer } from "./port.ts";

const { KafkaJS } = confluent;
type ConfluentKafka = InstanceType<typeof KafkaJS.Kafka>;

/** The default adapter: librdkafka through its KafkaJS-compatible API (maintained, fast, real idempotence). */
export function confluentClient(options: { brokers: readonly string[]; clientId: string }): KafkaClient {
  const kafka = new KafkaJS.Kafka({
    "bootstrap.servers": options.brokers.join(","),
    "client.id": options.clientId,
    log_level: 3, // librdkafka: errors only; our own logs carry the context
  });
  const adminKafka = new kafkajs.Kafka({
    clientId: `${options.clientId}-admin`,
    brokers: [...options.brokers],
    logLevel: kafkajs.logLevel.NOTHING,
  });
  return {
    kind: "confluent",
    producer: (producerOptions) => confluentProducer(options.brokers, options.clientId, producerOptions ?? {}),
    consumer: (consumerOptions) => confluentConsumer(kafka, consumerOptions),
    admin: () => kafkajsAdmin(adminKafka),
  };
}

async function confluentConsumer(kafka: ConfluentKafka, options: ConsumerOptions): Promise<KafkaConsumer> {
  const consumer = kafka.consumer({
    "group.id": options.groupId,
    "enable.auto.commit": false,
    "auto.offset.reset": options.fromBeginning === false ? "latest" : "earliest",
    "session.timeout.ms": options.sessionTimeoutMs ?? 30_000,
    "allow.auto.create.topics": false,
    "fetch.wait.max.ms": options.maxWaitMs ?? 100,
    // The KafkaJS-compatible API caps eachBatch at 32 messages by default, and refills its cache only once every
    // partition in it is drained, so with a bounded batch its workers wait at each refill (measured: workers busy
    // ~50% with a handler that only sleeps). -1 hands over all fetched messages of a partition at once (bounded by
    // librdkafka's prefetch queue); run() below cuts them into maxBatchSize chunks, each resolved after its handler.
    "js.consumer.max.batch.size": -1,
  });
  await consumer.connect();
  const maxBatchSize = options.maxBatchSize ?? 1_000;
  return {
    subscribe: (topics) => consumer.subscribe({ topics: [...topics] }),
    run: (handler) =>
      consumer.run({
        // Offsets are resolved per handed-out chunk below; anything unresolved is re-fetched by the client.
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
        eachBatch: async (payload) => {
          const { batch } = payload;
          const isStale = () => payload.isStale() || !payload.isRunning();
          // The client hands over everything it holds for the partition; the port promises ≤ maxBatchSize per call.
          for (let start = 0; start < batch.messages.length && !isStale(); start += maxBatchSize) {
            const chunk = batch.messages.slice(start, start + maxBatchSize);
            await handler(toConsumerBatch(batch.topic, batch.partition, batch.highWatermark, chunk), { isStale });
            // A pause (or revocation) inside the handler marks the batch stale: this chunk stays unresolved and the
            // client seeks back to it, so it is delivered again after resume.
            const last = chunk[chunk.length - 1];
            if (isStale() || last === undefined) return;
            payload.resolveOffset(last.offset);
          }
        },
      }),
    commit: (offsets) => consumer.commitOffsets(offsets.map((entry) => ({ ...entry }))),
    pause: (partitions) =>
      consumer.pause(partitions.map((entry) => ({ topic: entry.topic, partitions: [entry.partition] }))),
    resume: (partitions) =>
      consumer.resume(partitions.map((entry) => ({ topic: entry.topic, partitions: [entry.partition] }))),
    seek: (position) => consumer.seek({ ...position }),
    assignment: () => consumer.assignment().map((entry) => ({ topic: entry.topic, partition: entry.partition })),
    disconnect: () => consumer.disconnect(),
  };
}

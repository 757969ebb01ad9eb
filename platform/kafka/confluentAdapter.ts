import confluent from "@confluentinc/kafka-javascript";
import { produceFailed } from "./errors.ts";
import { normaliseHeaders } from "./headers.ts";
import { kafkajsAdmin } from "./kafkajsAdmin.ts";
import kafkajs from "kafkajs";
import type { ConsumerOptions, KafkaClient, KafkaConsumer, KafkaProducer, ProducerOptions } from "./port.ts";

const { KafkaJS } = confluent;
type ConfluentKafka = InstanceType<typeof KafkaJS.Kafka>;

/** The default adapter: librdkafka through its KafkaJS-compatible API (maintained, fast, real idempotence). */
export function confluentClient(options: { brokers: readonly string[]; clientId: string }): KafkaClient {
  const kafka = new KafkaJS.Kafka({
    "bootstrap.servers": options.brokers.join(","),
    "client.id": options.clientId,
    log_level: 3, // librdkafka: errors only; our own logs carry the context
  });
  const adminKafka = new kafkajs.Kafka({ clientId: `${options.clientId}-admin`, brokers: [...options.brokers], logLevel: kafkajs.logLevel.NOTHING });
  return {
    kind: "confluent",
    producer: (producerOptions) => confluentProducer(kafka, producerOptions ?? {}),
    consumer: (consumerOptions) => confluentConsumer(kafka, consumerOptions),
    admin: () => kafkajsAdmin(adminKafka),
  };
}

async function confluentProducer(kafka: ConfluentKafka, options: ProducerOptions): Promise<KafkaProducer> {
  const producer = kafka.producer({
    "enable.idempotence": true,
    acks: -1,
    "linger.ms": options.lingerMs ?? 5,
    "batch.size": options.batchSizeBytes ?? 1_000_000,
    "compression.type": options.compression ?? "none",
    "delivery.timeout.ms": options.deliveryTimeoutMs ?? 30_000,
    "allow.auto.create.topics": false,
    // murmur2_random = the Java client's default partitioner for keyed records.
    partitioner: "murmur2_random",
  });
  await producer.connect();
  return {
    async send(topic, records) {
      try {
        const metadata = await producer.send({
          topic,
          messages: records.map((record) => ({
            key: record.key ?? undefined,
            value: record.value,
            headers: record.headers ? { ...record.headers } : undefined,
            partition: record.partition,
          })),
        });
        return metadata.map((entry) => ({ topic: entry.topicName, partition: entry.partition, offset: entry.offset ?? entry.baseOffset ?? "-1" }));
      } catch (error) {
        throw produceFailed(topic, error);
      }
    },
    disconnect: () => producer.disconnect(),
  };
}

async function confluentConsumer(kafka: ConfluentKafka, options: ConsumerOptions): Promise<KafkaConsumer> {
  const consumer = kafka.consumer({
    "group.id": options.groupId,
    "enable.auto.commit": false,
    "auto.offset.reset": options.fromBeginning === false ? "latest" : "earliest",
    "session.timeout.ms": options.sessionTimeoutMs ?? 30_000,
    "allow.auto.create.topics": false,
    "fetch.wait.max.ms": 100,
    // The KafkaJS-compatible API hands out at most 32 messages per eachBatch unless this is raised.
    "js.consumer.max.batch.size": options.maxBatchSize ?? 1_000,
    "js.consumer.max.cache.size.per.worker.ms": 1_500,
  });
  await consumer.connect();
  return {
    subscribe: (topics) => consumer.subscribe({ topics: [...topics] }),
    run: (handler) =>
      consumer.run({
        eachBatchAutoResolve: true,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
        eachBatch: async (payload) => {
          const { batch } = payload;
          await handler(
            {
              topic: batch.topic,
              partition: batch.partition,
              highWatermark: batch.highWatermark,
              records: batch.messages.map((message) => ({
                topic: batch.topic,
                partition: batch.partition,
                offset: message.offset,
                key: message.key ?? null,
                value: message.value,
                headers: normaliseHeaders(message.headers as Record<string, unknown> | undefined),
                timestamp: message.timestamp,
              })),
            },
            { isStale: () => payload.isStale() || !payload.isRunning() },
          );
        },
      }),
    commit: (offsets) => consumer.commitOffsets(offsets.map((entry) => ({ ...entry }))),
    pause: (partitions) => consumer.pause(partitions.map((entry) => ({ topic: entry.topic, partitions: [entry.partition] }))),
    resume: (partitions) => consumer.resume(partitions.map((entry) => ({ topic: entry.topic, partitions: [entry.partition] }))),
    seek: (position) => consumer.seek({ ...position }),
    assignment: () => consumer.assignment().map((entry) => ({ topic: entry.topic, partition: entry.partition })),
    disconnect: () => consumer.disconnect(),
  };
}

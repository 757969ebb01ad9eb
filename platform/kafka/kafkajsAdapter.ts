import kafkajs, { type Consumer, type EachBatchPayload } from "kafkajs";
import { produceFailed } from "./errors.ts";
import { toConsumerBatch } from "./batch.ts";
import { kafkajsAdmin } from "./kafkajsAdmin.ts";
import type { ConsumerOptions, KafkaClient, KafkaConsumer, KafkaProducer, ProducerOptions } from "./port.ts";

// kafkajs is CommonJS: Node cannot see its named exports from ESM.
const { Kafka, Partitioners, logLevel, CompressionTypes } = kafkajs;

const compressionCodes = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
  snappy: CompressionTypes.Snappy,
} as const;

/** kafkajs adapter: pure JavaScript, unmaintained since 2023; kept to be measured against the Confluent client. */
export function kafkajsClient(options: { brokers: readonly string[]; clientId: string }): KafkaClient {
  const kafka = new Kafka({ clientId: options.clientId, brokers: [...options.brokers], logLevel: logLevel.ERROR });
  return {
    kind: "kafkajs",
    producer: (producerOptions) => kafkajsProducer(kafka, producerOptions ?? {}),
    consumer: (consumerOptions) => kafkajsConsumer(kafka, consumerOptions),
    admin: () => kafkajsAdmin(kafka),
  };
}

async function kafkajsProducer(kafka: InstanceType<typeof Kafka>, options: ProducerOptions): Promise<KafkaProducer> {
  // kafkajs's idempotent producer is "experimental"; plain acks=all with one request in flight keeps order.
  // Neither mode survived test/failure/platform/brokerKill.test.ts: ~120 of 24,000 acknowledged records were
  // not read back after a partition leader was SIGKILLed. This adapter is for measurement, not for guarantees.
  const producer = kafka.producer({
    idempotent: false,
    maxInFlightRequests: 1,
    retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 5_000 },
    allowAutoTopicCreation: false,
    // Same murmur2 partitioning as the Java client (and our librdkafka setting).
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const compression = compressionCodes[options.compression ?? "none"];
  return {
    async send(topic, records) {
      try {
        const metadata = await producer.send({
          topic,
          acks: -1,
          timeout: options.deliveryTimeoutMs ?? 30_000,
          compression,
          messages: records.map((record) => ({
            key: record.key,
            value: record.value,
            headers: record.headers ? { ...record.headers } : undefined,
            partition: record.partition,
          })),
        });
        return metadata.map((entry) => ({
          topic: entry.topicName,
          partition: entry.partition,
          offset: entry.baseOffset ?? entry.offset ?? "-1",
        }));
      } catch (error) {
        throw produceFailed(topic, error);
      }
    },
    disconnect: () => producer.disconnect(),
  };
}

async function kafkajsConsumer(kafka: InstanceType<typeof Kafka>, options: ConsumerOptions): Promise<KafkaConsumer> {
  const consumer: Consumer = kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: options.sessionTimeoutMs ?? 30_000,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: options.maxWaitMs ?? 250,
  });
  let assigned: { topic: string; partition: number }[] = [];
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    assigned = Object.entries(event.payload.memberAssignment).flatMap(([topic, partitions]) =>
      partitions.map((partition) => ({ topic, partition })),
    );
  });
  await consumer.connect();
  const maxBatchSize = options.maxBatchSize ?? 1_000;
  return {
    subscribe: (topics) => consumer.subscribe({ topics: [...topics], fromBeginning: options.fromBeginning ?? true }),
    run: (handler) =>
      consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
        eachBatch: async (payload: EachBatchPayload) => {
          const { batch } = payload;
          const isStale = () => payload.isStale() || !payload.isRunning();
          // kafkajs sizes fetches in bytes; the port promises at most maxBatchSize records per call.
          for (let start = 0; start < batch.messages.length && !isStale(); start += maxBatchSize) {
            const chunk = batch.messages.slice(start, start + maxBatchSize);
            await handler(toConsumerBatch(batch.topic, batch.partition, batch.highWatermark, chunk), { isStale });
            if (isPausedBy(consumer, batch.topic, batch.partition)) {
              // Same contract as the Confluent client: a batch whose partition was paused is delivered again on resume.
              consumer.seek({
                topic: batch.topic,
                partition: batch.partition,
                offset: chunk[0]?.offset ?? batch.firstOffset() ?? "0",
              });
              return;
            }
            const last = chunk[chunk.length - 1];
            if (last) payload.resolveOffset(last.offset);
            await payload.heartbeat();
          }
        },
      }),
    commit: (offsets) => consumer.commitOffsets(offsets.map((entry) => ({ ...entry }))),
    pause: (partitions) =>
      consumer.pause(partitions.map((entry) => ({ topic: entry.topic, partitions: [entry.partition] }))),
    resume: (partitions) =>
      consumer.resume(partitions.map((entry) => ({ topic: entry.topic, partitions: [entry.partition] }))),
    seek: (position) => consumer.seek({ ...position }),
    assignment: () => [...assigned],
    disconnect: () => consumer.disconnect(),
  };
}

function isPausedBy(consumer: Consumer, topic: string, partition: number): boolean {
  return consumer.paused().some((entry) => entry.topic === topic && entry.partitions.includes(partition));
}

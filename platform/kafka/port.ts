/**
 * The small Kafka port every service uses. Two adapters implement it (Confluent/librdkafka and kafkajs) so
 * each can be measured against the other; services never import a Kafka client directly.
 */

export type HeaderValue = string | Buffer;

export interface OutgoingRecord {
  /** Vehicle-scoped topics are always keyed by VIN, so one partition orders one vehicle. */
  readonly key: string | Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: Readonly<Record<string, HeaderValue>>;
  /** Only for tools that must target a partition explicitly; normally the murmur2 partitioner decides. */
  readonly partition?: number;
}

export interface DeliveryReport {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface KafkaProducer {
  /**
   * Resolves only when every record is acknowledged by the cluster (acks=all); rejects otherwise.
   * Returns one report per partition written (the first offset written there).
   */
  send(topic: string, records: readonly OutgoingRecord[]): Promise<DeliveryReport[]>;
  disconnect(): Promise<void>;
}

export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, Buffer | undefined>>;
  /** Record timestamp, milliseconds since epoch, as a string (Kafka's convention). */
  readonly timestamp: string;
}

export interface ConsumerBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly ConsumedRecord[];
  readonly highWatermark: string;
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export interface TopicPartitionOffset extends TopicPartition {
  /** The next offset to read, i.e. last processed + 1. */
  readonly offset: string;
}

export interface BatchContext {
  /** True once a rebalance or shutdown has taken this partition away; stop work and do not commit. */
  isStale(): boolean;
}

export interface KafkaConsumer {
  subscribe(topics: readonly string[]): Promise<void>;
  /** Starts consuming; the handler gets one partition's batch at a time. Offsets are never auto-committed. */
  run(handler: (batch: ConsumerBatch, context: BatchContext) => Promise<void>): Promise<void>;
  commit(offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /**
   * Stops fetching these partitions. Called from inside the handler for the batch's own partition, the batch
   * counts as not processed: it is delivered again after resume (both adapters), so nothing is skipped.
   */
  pause(partitions: readonly TopicPartition[]): void;
  resume(partitions: readonly TopicPartition[]): void;
  /** Move the read position (used by replay); only valid for assigned partitions. */
  seek(position: TopicPartitionOffset): void;
  assignment(): TopicPartition[];
  disconnect(): Promise<void>;
}

export interface ConsumerOptions {
  readonly groupId: string;
  /** Where a group with no committed offset starts. */
  readonly fromBeginning?: boolean;
  /** Maximum records handed to one handler call. */
  readonly maxBatchSize?: number;
  /** Longest a fetch waits for data before returning what it has (latency vs. fuller batches). */
  readonly maxWaitMs?: number;
  readonly sessionTimeoutMs?: number;
  /** Partitions handled in parallel by one consumer (each still strictly in order). */
  readonly partitionsConsumedConcurrently?: number;
}

export interface ProducerOptions {
  /** Milliseconds the client waits to fill a batch; higher = more throughput, more latency. */
  readonly lingerMs?: number;
  readonly batchSizeBytes?: number;
  /** Time after which a send fails instead of waiting for a healthy cluster. */
  readonly deliveryTimeoutMs?: number;
  readonly compression?: "none" | "gzip" | "lz4" | "zstd" | "snappy";
}

export interface PartitionMetadata {
  readonly partition: number;
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

export interface TopicMetadata {
  readonly name: string;
  readonly partitions: readonly PartitionMetadata[];
}

export interface TopicCreation {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
}

export interface KafkaAdmin {
  createTopics(topics: readonly TopicCreation[]): Promise<void>;
  listTopics(): Promise<string[]>;
  describeTopics(names: readonly string[]): Promise<TopicMetadata[]>;
  /** Effective topic configs (including broker defaults) by topic name. */
  describeTopicConfigs(names: readonly string[]): Promise<Record<string, Record<string, string>>>;
  /** Per partition: the earliest offset whose timestamp ≥ `timestampMs` (or the end offset when none). */
  offsetsForTime(topic: string, timestampMs: number): Promise<TopicPartitionOffset[]>;
  /** Per partition: low and high watermarks. */
  watermarks(topic: string): Promise<{ partition: number; low: string; high: string }[]>;
  groupOffsets(groupId: string, topic: string): Promise<TopicPartitionOffset[]>;
  brokerIds(): Promise<number[]>;
  disconnect(): Promise<void>;
}

export interface KafkaClient {
  readonly kind: "confluent" | "kafkajs";
  producer(options?: ProducerOptions): Promise<KafkaProducer>;
  consumer(options: ConsumerOptions): Promise<KafkaConsumer>;
  admin(): Promise<KafkaAdmin>;
}

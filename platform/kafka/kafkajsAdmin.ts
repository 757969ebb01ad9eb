import kafkajs, { type Kafka } from "kafkajs";

const { ConfigResourceTypes } = kafkajs;
import type { KafkaAdmin, TopicCreation } from "./port.ts";

/**
 * Admin operations go through kafkajs for both client kinds: the Confluent KafkaJS-compatible admin has no
 * describeConfigs, and admin calls are rare and off the hot path.
 */
export async function kafkajsAdmin(kafka: Kafka): Promise<KafkaAdmin> {
  const admin = kafka.admin();
  await admin.connect();
  return {
    async createTopics(topics: readonly TopicCreation[]) {
      // kafkajs's own waitForLeaders trips over KRaft metadata propagation; poll for leaders ourselves.
      await admin
        .createTopics({
          waitForLeaders: false,
          topics: topics.map((topic) => ({
            topic: topic.name,
            numPartitions: topic.partitions,
            replicationFactor: topic.replicationFactor,
            configEntries: Object.entries(topic.configs).map(([name, value]) => ({ name, value })),
          })),
        })
        // kafkajs refreshes metadata right after creating; a broker that has not heard of the topic yet answers
        // UNKNOWN_TOPIC_OR_PARTITION although creation succeeded.
        .catch((error: unknown) => {
          if ((error as { type?: string }).type !== "UNKNOWN_TOPIC_OR_PARTITION") throw error;
        });
      await waitForLeaders(admin, topics);
    },
    // admin.listTopics() answers from cached metadata and misses topics created a moment ago.
    listTopics: async () => (await admin.fetchTopicMetadata()).topics.map((topic) => topic.name),
    async describeTopics(names) {
      const metadata = await admin.fetchTopicMetadata({ topics: [...names] });
      return metadata.topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitions
          .map((partition) => ({
            partition: partition.partitionId,
            leader: partition.leader,
            replicas: partition.replicas,
            isr: partition.isr,
          }))
          .sort((a, b) => a.partition - b.partition),
      }));
    },
    async describeTopicConfigs(names) {
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
      });
      return Object.fromEntries(
        described.resources.map((resource) => [
          resource.resourceName,
          Object.fromEntries(resource.configEntries.map((entry) => [entry.configName, entry.configValue])),
        ]),
      );
    },
    async offsetsForTime(topic, timestampMs) {
      const [byTime, ends] = await Promise.all([
        admin.fetchTopicOffsetsByTimestamp(topic, timestampMs),
        admin.fetchTopicOffsets(topic),
      ]);
      const highByPartition = new Map(ends.map((entry) => [entry.partition, entry.high]));
      // Kafka answers -1 when no record is that late: start at the end of the partition.
      return byTime.map((entry) => ({
        topic,
        partition: entry.partition,
        offset: entry.offset === "-1" ? (highByPartition.get(entry.partition) ?? "0") : entry.offset,
      }));
    },
    async watermarks(topic) {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets
        .map((entry) => ({ partition: entry.partition, low: entry.low, high: entry.high }))
        .sort((a, b) => a.partition - b.partition);
    },
    async groupOffsets(groupId, topic) {
      const fetched = await admin.fetchOffsets({ groupId, topics: [topic] });
      return fetched.flatMap((entry) =>
        entry.partitions.map((partition) => ({
          topic: entry.topic,
          partition: partition.partition,
          offset: partition.offset,
        })),
      );
    },
    async brokerIds() {
      const cluster = await admin.describeCluster();
      return cluster.brokers.map((broker) => broker.nodeId).sort((a, b) => a - b);
    },
    disconnect: () => admin.disconnect(),
  };
}

async function waitForLeaders(
  admin: ReturnType<Kafka["admin"]>,
  topics: readonly TopicCreation[],
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Metadata reaches the brokers one by one; several consecutive good answers mean they have all heard.
  let consecutive = 0;
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: topics.map((topic) => topic.name) });
      const ready = topics.every((topic) => {
        const partitions = metadata.topics.find((entry) => entry.name === topic.name)?.partitions ?? [];
        return partitions.length === topic.partitions && partitions.every((partition) => partition.leader >= 0);
      });
      consecutive = ready ? consecutive + 1 : 0;
      if (consecutive >= 3) return;
    } catch (error) {
      consecutive = 0;
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`topics ${topics.map((topic) => topic.name).join(", ")} have no leaders after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

import type { TopicMetadata } from "../kafka/port.ts";
import { durability } from "./catalog.ts";

export type TopicProblemCode =
  | "TOPIC_MISSING"
  | "TOPIC_RF_TOO_LOW"
  | "TOPIC_MIN_ISR_TOO_LOW"
  | "TOPIC_RETENTION_TOO_SHORT"
  | "TOPIC_UNCLEAN_ELECTION"
  | "TOPIC_PARTITIONS_DIFFER";

export interface TopicProblem {
  readonly topic: string;
  readonly code: TopicProblemCode;
  /** Dangerous problems refuse start-up; the rest are warnings. */
  readonly dangerous: boolean;
  readonly message: string;
}

export interface LiveTopic {
  readonly metadata: TopicMetadata | undefined;
  readonly configs: Readonly<Record<string, string>> | undefined;
}

/** Pure: compares one live topic with what durability and the configured downtime require. */
export function verifyTopic(expected: { name: string; partitions: number; retentionMs: number }, live: LiveTopic): TopicProblem[] {
  const { name } = expected;
  if (!live.metadata || live.metadata.partitions.length === 0) {
    return [{ topic: name, code: "TOPIC_MISSING", dangerous: true, message: `${name} does not exist (run npm run topics:provision)` }];
  }
  const problems: TopicProblem[] = [];
  const replicationFactor = Math.min(...live.metadata.partitions.map((partition) => partition.replicas.length));
  if (replicationFactor < durability.replicationFactor) {
    problems.push({ topic: name, code: "TOPIC_RF_TOO_LOW", dangerous: true, message: `${name} has replication factor ${replicationFactor}; at least ${durability.replicationFactor} is required so one broker loss loses nothing` });
  }
  const minIsr = Number(live.configs?.["min.insync.replicas"] ?? "1");
  if (minIsr < durability.minInsyncReplicas) {
    problems.push({ topic: name, code: "TOPIC_MIN_ISR_TOO_LOW", dangerous: true, message: `${name} has min.insync.replicas=${minIsr}; at least ${durability.minInsyncReplicas} is required for acks=all to mean two copies` });
  }
  const retentionMs = Number(live.configs?.["retention.ms"] ?? "604800000");
  if (retentionMs !== -1 && retentionMs < expected.retentionMs) {
    problems.push({ topic: name, code: "TOPIC_RETENTION_TOO_SHORT", dangerous: true, message: `${name} keeps data ${formatHours(retentionMs)}; the configured worst-case consumer downtime needs at least ${formatHours(expected.retentionMs)}` });
  }
  if (live.configs?.["unclean.leader.election.enable"] === "true") {
    problems.push({ topic: name, code: "TOPIC_UNCLEAN_ELECTION", dangerous: true, message: `${name} allows unclean leader election, which can drop acknowledged writes` });
  }
  if (live.metadata.partitions.length !== expected.partitions) {
    problems.push({ topic: name, code: "TOPIC_PARTITIONS_DIFFER", dangerous: false, message: `${name} has ${live.metadata.partitions.length} partitions, the catalogue says ${expected.partitions} (VIN→partition mapping differs from a fresh install)` });
  }
  return problems;
}

const formatHours = (ms: number) => `${(ms / 3_600_000).toFixed(1)} h`;

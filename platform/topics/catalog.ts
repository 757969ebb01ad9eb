import type { TopicCreation } from "../kafka/port.ts";

/** The durability floor every topic must meet (seed, Level 3). */
export const durability = { replicationFactor: 3, minInsyncReplicas: 2 } as const;

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly cleanupPolicy: "delete" | "compact";
  /** Retention as a multiple of the worst-case consumer downtime; never below `minRetentionHours`. */
  readonly retentionDowntimeFactor: number;
  readonly minRetentionHours: number;
  readonly purpose: string;
}

/** Every topic the system uses, in one declarative list. Vehicle-scoped topics are keyed by VIN. */
export const topicCatalog: readonly TopicSpec[] = [
  { name: "vehicle.telemetry", partitions: 12, cleanupPolicy: "delete", retentionDowntimeFactor: 2, minRetentionHours: 168, purpose: "validated telemetry, Avro, key = VIN" },
  { name: "vehicle.telemetry.dlq", partitions: 3, cleanupPolicy: "delete", retentionDowntimeFactor: 4, minRetentionHours: 720, purpose: "poison telemetry with the reason in headers" },
  { name: "ota.status", partitions: 6, cleanupPolicy: "delete", retentionDowntimeFactor: 2, minRetentionHours: 168, purpose: "OTA state changes reported by vehicles, key = VIN" },
  { name: "ota.commands", partitions: 6, cleanupPolicy: "delete", retentionDowntimeFactor: 2, minRetentionHours: 168, purpose: "OTA commands to vehicles (outbox relay), key = VIN" },
  { name: "ota.campaign-events", partitions: 3, cleanupPolicy: "delete", retentionDowntimeFactor: 4, minRetentionHours: 720, purpose: "campaign lifecycle events for integrators, key = campaign id" },
];

const hour = 3_600_000;

/** Pure: the retention a topic needs to outlive `maxConsumerDowntimeHours` of consumer downtime. */
export function requiredRetentionMs(spec: Pick<TopicSpec, "retentionDowntimeFactor" | "minRetentionHours">, maxConsumerDowntimeHours: number): number {
  return Math.max(spec.minRetentionHours, spec.retentionDowntimeFactor * maxConsumerDowntimeHours) * hour;
}

/** Pure: the creation request for a spec (name overridable so tests get private copies). */
export function topicCreation(spec: TopicSpec, maxConsumerDowntimeHours: number, name = spec.name): TopicCreation {
  return {
    name,
    partitions: spec.partitions,
    replicationFactor: durability.replicationFactor,
    configs: {
      "min.insync.replicas": String(durability.minInsyncReplicas),
      "retention.ms": String(requiredRetentionMs(spec, maxConsumerDowntimeHours)),
      "cleanup.policy": spec.cleanupPolicy,
      "unclean.leader.election.enable": "false",
    },
  };
}

export function topicSpec(name: string): TopicSpec {
  const spec = topicCatalog.find((candidate) => candidate.name === name);
  if (!spec) throw new Error(`topic ${name} is not in the catalogue`);
  return spec;
}

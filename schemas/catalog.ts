import { readSchemaFile, schemaFiles } from "./files.ts";

export type {
  TelemetryV1,
  TelemetryV2,
  OtaStatusV1,
  OtaCommandV1,
  OtaCampaignEventV1,
  OtaVehicleStateV1,
  OtaCommandActionV1,
  SignedManifestV1,
  CampaignEventTypeV1,
  CampaignProgressV1,
} from "./types.generated.ts";

/** The project's Avro schemas as parsed JSON, one export per version (files in schemas/avro/). */
export const telemetryV1: object = readSchemaFile("vehicle-telemetry.v1.avsc");
export const telemetryV2: object = readSchemaFile("vehicle-telemetry.v2.avsc");
export const otaStatusV1: object = readSchemaFile("ota-status.v1.avsc");
export const otaCommandV1: object = readSchemaFile("ota-command.v1.avsc");
export const otaCampaignEventV1: object = readSchemaFile("ota-campaign-event.v1.avsc");

export const topics = {
  telemetry: "vehicle.telemetry",
  telemetryDlq: "vehicle.telemetry.dlq",
  otaStatus: "ota.status",
  otaCommands: "ota.commands",
  otaCampaignEvents: "ota.campaign-events",
} as const;

/** TopicNameStrategy: the value subject of a topic. */
export const valueSubject = (topic: string): string => `${topic}-value`;

export type CompatibilityLevel =
  "NONE" | "BACKWARD" | "BACKWARD_TRANSITIVE" | "FORWARD" | "FORWARD_TRANSITIVE" | "FULL" | "FULL_TRANSITIVE";

export interface SubjectEntry {
  /** Versions oldest first; index i holds version i + 1. */
  readonly versions: readonly object[];
  readonly compatibility: CompatibilityLevel;
}

const byFile: Record<string, object> = {
  "vehicle-telemetry.v1.avsc": telemetryV1,
  "vehicle-telemetry.v2.avsc": telemetryV2,
  "ota-status.v1.avsc": otaStatusV1,
  "ota-command.v1.avsc": otaCommandV1,
  "ota-campaign-event.v1.avsc": otaCampaignEventV1,
};

function versionsOf(subject: string): object[] {
  return schemaFiles
    .filter((entry) => entry.subject === subject)
    .sort((a, b) => a.version - b.version)
    .map((entry) => byFile[entry.file] ?? readSchemaFile(entry.file));
}

/**
 * Subject → its ordered versions and the compatibility level it is registered with. FULL_TRANSITIVE, stricter than
 * the registry's BACKWARD_TRANSITIVE default: v1 consumers must keep reading v2 data during a rollout (forward)
 * and v2 consumers must read v1 history on replay (backward).
 */
export const subjects = {
  "vehicle.telemetry-value": { versions: versionsOf("vehicle.telemetry-value"), compatibility: "FULL_TRANSITIVE" },
  "ota.status-value": { versions: versionsOf("ota.status-value"), compatibility: "FULL_TRANSITIVE" },
  "ota.commands-value": { versions: versionsOf("ota.commands-value"), compatibility: "FULL_TRANSITIVE" },
  "ota.campaign-events-value": { versions: versionsOf("ota.campaign-events-value"), compatibility: "FULL_TRANSITIVE" },
} as const satisfies Record<string, SubjectEntry>;

export type SubjectName = keyof typeof subjects;

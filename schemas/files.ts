import { readFileSync } from "node:fs";

/** Every project schema version: its .avsc file, the TS type generated from it, and the subject it is registered under. */
export const schemaFiles = [
  { file: "vehicle-telemetry.v1.avsc", typeName: "TelemetryV1", subject: "vehicle.telemetry-value", version: 1 },
  { file: "vehicle-telemetry.v2.avsc", typeName: "TelemetryV2", subject: "vehicle.telemetry-value", version: 2 },
  { file: "ota-status.v1.avsc", typeName: "OtaStatusV1", subject: "ota.status-value", version: 1 },
  { file: "ota-command.v1.avsc", typeName: "OtaCommandV1", subject: "ota.commands-value", version: 1 },
  {
    file: "ota-campaign-event.v1.avsc",
    typeName: "OtaCampaignEventV1",
    subject: "ota.campaign-events-value",
    version: 1,
  },
] as const;

export type SchemaFile = (typeof schemaFiles)[number];

export const avroDirectory = new URL("./avro/", import.meta.url);

/** Reads one .avsc file as parsed JSON (a plain object, as avsc's Type.forSchema takes it). */
export function readSchemaFile(file: string): object {
  return JSON.parse(readFileSync(new URL(file, avroDirectory), "utf8")) as object;
}

import type { OtaStatusRecord, TelemetryRecord } from "../core/payload.ts";

export interface EncodedValue {
  /** Confluent wire format: 0x00, schema id, Avro body. */
  readonly value: Buffer;
  /** Header `schema`: subject and version, e.g. `vehicle.telemetry-value:v2`. */
  readonly schema: string;
}

/** Encodes validated records; throws (SCHEMA_ code) when a record cannot be encoded. */
export interface PayloadEncoder {
  readonly telemetry: (record: TelemetryRecord) => EncodedValue;
  readonly otaStatus: (record: OtaStatusRecord) => EncodedValue;
}

/** The registry-backed encoder: subjects are registered once at start, then encoding is synchronous. */
export async function createAvroEncoder(
  serde: { register(subject: string, schema: object): Promise<number>; encodeWithId(id: number, record: unknown): Buffer },
  schemas: { telemetry: object; telemetryVersion: number; otaStatus: object; otaStatusVersion: number },
): Promise<PayloadEncoder> {
  const telemetryId = await serde.register("vehicle.telemetry-value", schemas.telemetry);
  const otaStatusId = await serde.register("ota.status-value", schemas.otaStatus);
  const telemetrySchema = `vehicle.telemetry-value:v${schemas.telemetryVersion}`;
  const otaStatusSchema = `ota.status-value:v${schemas.otaStatusVersion}`;
  return {
    telemetry: (record) => ({ value: serde.encodeWithId(telemetryId, record), schema: telemetrySchema }),
    otaStatus: (record) => ({ value: serde.encodeWithId(otaStatusId, record), schema: otaStatusSchema }),
  };
}

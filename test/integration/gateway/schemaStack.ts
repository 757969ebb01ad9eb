import { otaStatusV1, telemetryV2 } from "../../../schemas/catalog.ts";
import { startRegistry, type RunningRegistry } from "../../../schemas/registry/server.ts";
import { createSerde, type Serde } from "../../../schemas/serde.ts";
import { createAvroEncoder } from "../../../gateway/kafka/encoder.ts";
import type { PayloadEncoder } from "../../../gateway/kafka/encoder.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";

/** Telemetry as a consumer reads it (Avro v2 reader schema). */
export interface DecodedTelemetry {
  readonly event_id: string;
  readonly vin: string;
  readonly seq: number;
  readonly received_at: number;
  readonly speed_kph: number;
  readonly fault_codes: readonly string[];
}

export interface SchemaStack {
  readonly database: TestDatabase;
  readonly registry: RunningRegistry;
  readonly serde: Serde;
  readonly encoder: PayloadEncoder;
  decodeTelemetry(bytes: Buffer | null): Promise<DecodedTelemetry>;
  close(): Promise<void>;
}

/** A private database with an embedded schema registry, a serde on it and the gateway's real Avro encoder. */
export async function startSchemaStack(prefix: string): Promise<SchemaStack> {
  const database = await createTestDatabase(prefix);
  const registry = await startRegistry({ databaseUrl: database.url, port: 0 });
  const serde = createSerde({ registryUrl: registry.url });
  const encoder = await createAvroEncoder(serde, { telemetry: telemetryV2, telemetryVersion: 2, otaStatus: otaStatusV1, otaStatusVersion: 1 });
  return {
    database,
    registry,
    serde,
    encoder,
    decodeTelemetry: (bytes) => serde.decode<DecodedTelemetry>(bytes, telemetryV2),
    async close() {
      await registry.close();
      await database.drop();
    },
  };
}

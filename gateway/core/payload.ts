import { z } from "zod";
import { VIN_PATTERN } from "./vin.ts";

/** Largest JSON payload accepted from a vehicle; larger ones are poison (DLQ), not a reason to buffer. */
export const MAX_PAYLOAD_BYTES = 16 * 1024;

const epochMs = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const vin = z.string().regex(VIN_PATTERN, "expected 17 characters of [A-HJ-NPR-Z0-9]");
const uuid = z.uuid();
const nullableFloat = z.number().min(-1e6).max(1e6).nullable().default(null);

/** Telemetry JSON as vehicles send it (v1 or v2 fields); `received_at` is stamped by the gateway. */
export const telemetryPayloadSchema = z.object({
  event_id: uuid,
  vin,
  event_time: epochMs,
  seq: epochMs,
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  speed_kph: z.number().min(0).max(400),
  heading_deg: z.number().min(0).lt(360),
  odometer_km: z.number().min(0).max(1e9),
  battery_soc_pct: z.number().min(0).max(100),
  ambient_temp_c: nullableFloat,
  battery_temp_c: nullableFloat,
  tyre_pressure_kpa: z.array(z.number().min(0).max(2000)).max(16).nullable().default(null),
  fault_codes: z.array(z.string().min(1).max(32)).max(64).default([]),
});

export const otaStates = [
  "IDLE", "NOTIFIED", "PENDING_CONSENT", "CHECKING_PRECONDITIONS", "WAITING", "DOWNLOADING", "DOWNLOADED",
  "VERIFYING", "READY_TO_INSTALL", "INSTALLING", "REBOOTING", "SELF_TEST", "COMMITTED", "VERIFY_FAILED", "FAILED",
  "ROLLING_BACK", "ROLLED_BACK", "REJECTED", "CANCELED",
] as const;

/** OTA status JSON as vehicles send it (TIMED_OUT and UNKNOWN are server-side states, refused here). */
export const otaStatusPayloadSchema = z.object({
  event_id: uuid,
  vin,
  event_time: epochMs,
  seq: epochMs,
  campaign_id: uuid,
  execution_id: uuid,
  state: z.enum(otaStates),
  reason_code: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/).nullable().default(null),
  progress_pct: z.number().min(0).max(100).nullable().default(null),
  attempt: z.number().int().min(1).max(1_000_000),
  firmware_version: z.string().min(1).max(64).nullable().default(null),
});

export type TelemetryRecord = z.infer<typeof telemetryPayloadSchema> & { readonly received_at: number };
export type OtaStatusRecord = z.infer<typeof otaStatusPayloadSchema> & { readonly received_at: number };

export type PayloadError = { readonly code: PayloadErrorCode; readonly message: string };
export type PayloadErrorCode = "GW_PAYLOAD_TOO_LARGE" | "GW_PAYLOAD_NOT_JSON" | "GW_PAYLOAD_INVALID" | "GW_PAYLOAD_VIN_MISMATCH";
export type PayloadResult<T> = { readonly ok: true; readonly record: T } | ({ readonly ok: false } & PayloadError);

function parse<S extends z.ZodType<{ vin: string }>>(
  schema: S,
  bytes: Uint8Array,
  topicVin: string,
  receivedAt: number,
): PayloadResult<z.infer<S> & { received_at: number }> {
  if (bytes.byteLength > MAX_PAYLOAD_BYTES)
    return { ok: false, code: "GW_PAYLOAD_TOO_LARGE", message: `payload of ${bytes.byteLength} bytes exceeds ${MAX_PAYLOAD_BYTES}` };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"));
  } catch (error) {
    return { ok: false, code: "GW_PAYLOAD_NOT_JSON", message: error instanceof Error ? error.message : "not JSON" };
  }
  const result = schema.safeParse(json);
  if (!result.success) return { ok: false, code: "GW_PAYLOAD_INVALID", message: summarize(result.error) };
  if (result.data.vin !== topicVin)
    return { ok: false, code: "GW_PAYLOAD_VIN_MISMATCH", message: `payload vin ${result.data.vin} differs from topic vin ${topicVin}` };
  return { ok: true, record: { ...result.data, received_at: receivedAt } };
}

/** Validates vehicle telemetry JSON against the shared contract and stamps `received_at`. */
export const validateTelemetry = (bytes: Uint8Array, topicVin: string, receivedAt: number): PayloadResult<TelemetryRecord> =>
  parse(telemetryPayloadSchema, bytes, topicVin, receivedAt);

/** Validates an OTA status transition JSON and stamps `received_at`. */
export const validateOtaStatus = (bytes: Uint8Array, topicVin: string, receivedAt: number): PayloadResult<OtaStatusRecord> =>
  parse(otaStatusPayloadSchema, bytes, topicVin, receivedAt);

/** One line naming the first few failing fields, short enough for a Kafka header. */
function summarize(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ")
    .slice(0, 500);
}

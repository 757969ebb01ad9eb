import { describe, expect, it } from "vitest";
import { MAX_PAYLOAD_BYTES, validateOtaStatus, validateTelemetry } from "../../../gateway/core/payload.ts";

const vin = "1HGCM82633A004352";
const telemetry = {
  event_id: "0b6f1c57-5a0e-4c57-9d8e-2f1f0c7c8a11",
  vin,
  event_time: 1_700_000_000_000,
  seq: 7,
  latitude: 48.1,
  longitude: 11.5,
  speed_kph: 88.5,
  heading_deg: 359.9,
  odometer_km: 12345.6,
  battery_soc_pct: 77,
};
const bytes = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

describe("telemetry payload validation", () => {
  it("accepts a v1 payload, fills v2 defaults and stamps received_at", () => {
    // Given a valid v1 payload / When validated / Then defaults are applied and received_at is the gateway's time
    const result = validateTelemetry(bytes(telemetry), vin, 42);
    expect(result).toEqual({
      ok: true,
      record: { ...telemetry, ambient_temp_c: null, battery_temp_c: null, tyre_pressure_kpa: null, fault_codes: [], received_at: 42 },
    });
  });

  it("ignores a received_at sent by the vehicle: the gateway's stamp wins", () => {
    const result = validateTelemetry(bytes({ ...telemetry, received_at: 1 }), vin, 42);
    expect(result.ok && result.record.received_at).toBe(42);
  });

  it("accepts v2 fields", () => {
    const result = validateTelemetry(bytes({ ...telemetry, battery_temp_c: 31.5, tyre_pressure_kpa: [220, 221, 219, 220], fault_codes: ["P0420"] }), vin, 1);
    expect(result.ok).toBe(true);
  });

  it.each([
    ["a non-UUID event_id", { ...telemetry, event_id: "abc" }],
    ["a string event_time", { ...telemetry, event_time: "2024-01-01" }],
    ["a fractional event_time", { ...telemetry, event_time: 1.5 }],
    ["a negative seq", { ...telemetry, seq: -1 }],
    ["latitude out of range", { ...telemetry, latitude: 91 }],
    ["speed above 400", { ...telemetry, speed_kph: 401 }],
    ["heading of 360", { ...telemetry, heading_deg: 360 }],
    ["battery above 100", { ...telemetry, battery_soc_pct: 100.1 }],
    ["a missing field", { ...telemetry, odometer_km: undefined }],
    ["too many fault codes", { ...telemetry, fault_codes: Array.from({ length: 65 }, () => "P0001") }],
    ["a malformed VIN", { ...telemetry, vin: "IHGCM82633A004352" }],
    ["an array", [telemetry]],
    ["null", null],
  ])("refuses %s as GW_PAYLOAD_INVALID", (_name, payload) => {
    expect(validateTelemetry(bytes(payload), vin, 1)).toMatchObject({ ok: false, code: "GW_PAYLOAD_INVALID" });
  });

  it("refuses non-JSON, oversize and other-VIN payloads with their own codes", () => {
    expect(validateTelemetry(Buffer.from("{not json"), vin, 1)).toMatchObject({ ok: false, code: "GW_PAYLOAD_NOT_JSON" });
    expect(validateTelemetry(Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 32), vin, 1)).toMatchObject({ ok: false, code: "GW_PAYLOAD_TOO_LARGE" });
    expect(validateTelemetry(bytes(telemetry), "5YJ3E1EA7KF317000", 1)).toMatchObject({ ok: false, code: "GW_PAYLOAD_VIN_MISMATCH" });
  });
});

describe("OTA status payload validation", () => {
  const status = {
    event_id: "0b6f1c57-5a0e-4c57-9d8e-2f1f0c7c8a11",
    vin,
    event_time: 1_700_000_000_000,
    seq: 3,
    campaign_id: "5d0c3c0e-9f55-4a57-8d2e-5b0f7b1f3a01",
    execution_id: "7e0c3c0e-9f55-4a57-8d2e-5b0f7b1f3a02",
    state: "DOWNLOADING",
    progress_pct: 40,
    attempt: 1,
  };

  it("accepts a transition and fills optional fields with null", () => {
    expect(validateOtaStatus(bytes(status), vin, 9)).toEqual({
      ok: true,
      record: { ...status, reason_code: null, firmware_version: null, received_at: 9 },
    });
  });

  it("refuses server-side states and bad attempts", () => {
    expect(validateOtaStatus(bytes({ ...status, state: "TIMED_OUT" }), vin, 1).ok).toBe(false);
    expect(validateOtaStatus(bytes({ ...status, attempt: 0 }), vin, 1).ok).toBe(false);
    expect(validateOtaStatus(bytes({ ...status, reason_code: "low battery" }), vin, 1).ok).toBe(false);
  });
});

import { pick, type Random } from "./rng.ts";
import type { TelemetryPayload } from "./telemetry.ts";

/** Kinds of broken payload real fleets send: truncation, non-JSON noise, missing or mistyped fields, bad ranges. */
export const MALFORMED_KINDS = ["truncated", "not_json", "missing_field", "wrong_type", "out_of_range", "bad_vin"] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

/** A broken rendering of `payload` that no contract-respecting gateway can accept. Pure. */
export function malformPayload(payload: TelemetryPayload, random: Random): { kind: MalformedKind; body: string } {
  const kind = pick(random, MALFORMED_KINDS);
  const json = JSON.stringify(payload);
  switch (kind) {
    case "truncated":
      return { kind, body: json.slice(0, Math.max(1, Math.floor(json.length * (0.2 + random() * 0.6)))) };
    case "not_json":
      return { kind, body: `\u0000\u00ff${payload.vin}|${payload.seq}|garbage` };
    case "missing_field": {
      const { event_id: _eventId, latitude: _latitude, ...rest } = payload;
      return { kind, body: JSON.stringify(rest) };
    }
    case "wrong_type":
      return { kind, body: JSON.stringify({ ...payload, speed_kph: `${payload.speed_kph} km/h`, seq: String(payload.seq) }) };
    case "out_of_range":
      return { kind, body: JSON.stringify({ ...payload, latitude: 123.4, battery_soc_pct: 180 }) };
    case "bad_vin":
      return { kind, body: JSON.stringify({ ...payload, vin: `${payload.vin.slice(0, 8)}IOQ`, event_id: "not-a-uuid" }) };
    default: {
      const never: never = kind;
      throw new TypeError(`unknown malformed kind ${String(never)}`);
    }
  }
}

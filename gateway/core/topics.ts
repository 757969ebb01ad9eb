import { isVin } from "./vin.ts";

/** The MQTT topics a vehicle may use; everything else is refused. */
export type VehicleTopic =
  | { readonly kind: "telemetry"; readonly vin: string }
  | { readonly kind: "otaStatus"; readonly vin: string }
  | { readonly kind: "otaCommands"; readonly vin: string };

export const telemetryTopic = (vin: string): string => `vehicles/${vin}/telemetry`;
export const otaStatusTopic = (vin: string): string => `vehicles/${vin}/ota/status`;
export const otaCommandsTopic = (vin: string): string => `vehicles/${vin}/ota/commands`;

/** Parses an exact topic name (no wildcards) into a vehicle topic, or null when it is not one of ours. */
export function parseVehicleTopic(topic: string): VehicleTopic | null {
  const parts = topic.split("/");
  if (parts[0] !== "vehicles" || parts.length < 3 || parts.length > 4) return null;
  const vin = parts[1] ?? "";
  if (!isVin(vin)) return null;
  if (parts.length === 3 && parts[2] === "telemetry") return { kind: "telemetry", vin };
  if (parts.length === 4 && parts[2] === "ota" && parts[3] === "status") return { kind: "otaStatus", vin };
  if (parts.length === 4 && parts[2] === "ota" && parts[3] === "commands") return { kind: "otaCommands", vin };
  return null;
}

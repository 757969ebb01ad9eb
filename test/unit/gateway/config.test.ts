import { describe, expect, it } from "vitest";
import { gatewayConfigSchema } from "../../../gateway/config.ts";
import { loadConfig } from "../../../platform/config.ts";

describe("gateway configuration", () => {
  it("defaults to the catalog's Kafka topics and safe limits", () => {
    // Given an empty environment / When parsed / Then the contract's topic names and documented defaults apply
    const config = loadConfig(gatewayConfigSchema, {});
    expect(config).toMatchObject({
      TELEMETRY_TOPIC: "vehicle.telemetry",
      TELEMETRY_DLQ_TOPIC: "vehicle.telemetry.dlq",
      OTA_STATUS_TOPIC: "ota.status",
      OTA_COMMANDS_TOPIC: "ota.commands",
      MQTT_PORT: 1884,
      PER_CLIENT_INFLIGHT: 100,
      TLS_REQUIRE_CLIENT_CERT: false,
    });
  });

  it("refuses an invalid topic name, naming the variable", () => {
    expect(() => loadConfig(gatewayConfigSchema, { TELEMETRY_TOPIC: "bad topic!" })).toThrow(/TELEMETRY_TOPIC/);
  });

  it("refuses watermarks out of order and client certificates without a CA", () => {
    expect(() => loadConfig(gatewayConfigSchema, { SOFT_WATERMARK: "0.9", HIGH_WATERMARK: "0.5" })).toThrow(/SOFT_WATERMARK < HIGH_WATERMARK/);
    expect(() => loadConfig(gatewayConfigSchema, { TLS_CERT_FILE: "c.pem", TLS_KEY_FILE: "k.pem", TLS_REQUIRE_CLIENT_CERT: "true" })).toThrow(/TLS_CA_FILE/);
  });
});

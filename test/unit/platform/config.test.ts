import { describe, expect, it } from "vitest";
import { z } from "zod";
import { commonConfigSchema, env, loadConfig } from "../../../platform/config.ts";
import { FleetlineError } from "../../../platform/errors.ts";

function configError(run: () => unknown): FleetlineError {
  try {
    run();
  } catch (error) {
    if (error instanceof FleetlineError) return error;
    throw error;
  }
  throw new Error("expected a configuration error");
}

describe("configuration", () => {
  it("parses defaults into a frozen, typed object", () => {
    const config = loadConfig(commonConfigSchema, {});
    expect(config.KAFKA_BROKERS).toEqual(["127.0.0.1:19092", "127.0.0.1:19093", "127.0.0.1:19094"]);
    expect(config.KAFKA_CLIENT).toBe("confluent");
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("names every malformed variable and the form it expects", () => {
    // Given a broker list without ports, a non-numeric port and an unknown client
    const error = configError(() => loadConfig(commonConfigSchema, { KAFKA_BROKERS: "kafka1,kafka2", METRICS_PORT: "abc", KAFKA_CLIENT: "rdkafka" }));
    // Then the error lists each variable with the expected form and what it got
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.details?.variables).toEqual(expect.arrayContaining(["KAFKA_BROKERS", "METRICS_PORT", "KAFKA_CLIENT"]));
    expect(error.message).toMatch(/KAFKA_BROKERS.*host:port/);
    expect(error.message).toMatch(/METRICS_PORT.*port.*"abc"/);
    expect(error.message).toMatch(/KAFKA_CLIENT.*confluent or kafkajs/);
  });

  it("names a missing required variable", () => {
    const schema = z.object({ TLS_CERT_FILE: z.string({ error: "expected a file path" }), PORT: env.port(1884) });
    const error = configError(() => loadConfig(schema, {}));
    expect(error.message).toContain("TLS_CERT_FILE: expected a file path (it is not set)");
  });

  it("parses booleans and refuses anything else", () => {
    const schema = z.object({ FLAG: env.boolean(false) });
    expect(loadConfig(schema, { FLAG: "yes" }).FLAG).toBe(true);
    expect(configError(() => loadConfig(schema, { FLAG: "maybe" })).message).toContain("FLAG: expected true or false");
  });
});

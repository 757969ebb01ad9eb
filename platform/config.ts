import { z } from "zod";
import { FleetlineError } from "./errors.ts";

/**
 * Parses the environment once, at start-up, into a frozen typed object. A bad or missing value raises
 * CONFIG_INVALID naming every offending variable and the form it expects; `loadConfigOrExit` prints that and
 * exits 78 (EX_CONFIG) so a mis-deployed service never half-starts.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Readonly<z.infer<S>> {
  const result = schema.safeParse(env);
  if (result.success) return Object.freeze(result.data);
  const problems = result.error.issues.map((issue) => {
    // The first path element is the variable; deeper elements are positions inside a parsed list.
    const variable = issue.path.length ? String(issue.path[0]) : "(environment)";
    const received = env[variable];
    const shown = received === undefined ? "it is not set" : `got ${JSON.stringify(received)}`;
    return { variable, message: `${variable}: ${issue.message} (${shown})` };
  });
  throw new FleetlineError(
    "CONFIG_INVALID",
    `Invalid configuration:\n  ${problems.map((problem) => problem.message).join("\n  ")}`,
    { details: { variables: [...new Set(problems.map((problem) => problem.variable))] } },
  );
}

export function loadConfigOrExit<S extends z.ZodObject>(
  schema: S,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Readonly<z.infer<S>> {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(78);
  }
}

/** Reusable field parsers, each with a message that says the expected form. */
export const env = {
  port: (fallback: number) =>
    z.coerce
      .number({ error: "expected a TCP port number" })
      .int("expected a TCP port number")
      .min(0, "expected a port between 0 and 65535")
      .max(65535, "expected a port between 0 and 65535")
      .default(fallback),
  positiveInt: (fallback: number) =>
    z.coerce.number({ error: "expected a positive integer" }).int("expected a positive integer").positive().default(fallback),
  nonNegativeInt: (fallback: number) =>
    z.coerce.number({ error: "expected an integer ≥ 0" }).int("expected an integer ≥ 0").min(0).default(fallback),
  brokers: (fallback: string) =>
    z
      .string()
      .default(fallback)
      .transform((value) => value.split(",").map((entry) => entry.trim()).filter(Boolean))
      .pipe(
        z
          .array(z.string().regex(/^[^\s:]+:\d{1,5}$/, "expected host:port[,host:port…]"))
          .min(1, "expected host:port[,host:port…]"),
      ),
  url: (fallback: string) => z.url({ error: "expected a URL" }).default(fallback),
  postgresUrl: (fallback: string) =>
    z
      .string()
      .default(fallback)
      .refine((value) => /^postgres(ql)?:\/\//.test(value), "expected postgres://user@host:port/database"),
  boolean: (fallback: boolean) =>
    z
      .enum(["true", "false", "1", "0", "yes", "no"], { error: "expected true or false" })
      .default(fallback ? "true" : "false")
      .transform((value) => value === "true" || value === "1" || value === "yes"),
  logLevel: () => z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  kafkaClient: () => z.enum(["confluent", "kafkajs"], { error: "expected confluent or kafkajs" }).default("confluent"),
};

/** Settings every service shares; services extend this with their own. */
export const commonConfigSchema = z.object({
  KAFKA_BROKERS: env.brokers("127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094"),
  KAFKA_CLIENT: env.kafkaClient(),
  DATABASE_URL: env.postgresUrl("postgres://postgres@127.0.0.1:5432/fleetline"),
  SCHEMA_REGISTRY_URL: env.url("http://127.0.0.1:8081"),
  LOG_LEVEL: env.logLevel(),
  METRICS_PORT: env.port(9464),
  /** Interface for /metrics, /healthz, /readyz; 0.0.0.0 in containers. */
  METRICS_HOST: z.string().default("127.0.0.1"),
  /** Worst-case consumer downtime the topics must outlive; retention is derived from it (seed, Level 3). */
  MAX_CONSUMER_DOWNTIME_HOURS: env.positiveInt(72),
});
export type CommonConfig = z.infer<typeof commonConfigSchema>;

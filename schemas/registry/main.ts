import { z } from "zod";
import { env, loadConfigOrExit } from "../../platform/config.ts";
import { createLogger } from "../../platform/log.ts";
import { onShutdown } from "../../platform/shutdown.ts";
import { startRegistry } from "./server.ts";

/** `npm run registry`: the schema registry as its own small HTTP service. */
const config = loadConfigOrExit(
  z.object({
    REGISTRY_PORT: env.port(8081),
    REGISTRY_HOST: z.string().min(1).default("127.0.0.1"),
    DATABASE_URL: env.postgresUrl("postgres://postgres@127.0.0.1:5432/fleetline"),
    LOG_LEVEL: env.logLevel(),
  }),
);

const logger = createLogger("schema-registry", config.LOG_LEVEL);
try {
  const registry = await startRegistry({
    databaseUrl: config.DATABASE_URL,
    port: config.REGISTRY_PORT,
    host: config.REGISTRY_HOST,
    logger,
  });
  onShutdown(logger, () => registry.close());
} catch (error) {
  logger.fatal({ err: error, code: "SCHEMA_REGISTRY_START" }, "schema registry failed to start");
  process.exit(1);
}

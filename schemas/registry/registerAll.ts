import { z } from "zod";
import { env, loadConfigOrExit } from "../../platform/config.ts";
import { describeError } from "../../platform/errors.ts";
import { createLogger } from "../../platform/log.ts";
import { retryPolicies, withRetry } from "../../platform/retry.ts";
import { subjects } from "../catalog.ts";
import { createRegistryClient, type RegistryClient } from "../registryClient.ts";

/**
 * Registers every project schema version, oldest first, under its subject and sets the subject's level.
 * Idempotent: re-registering the same schema returns the same id. Used at deploy/start-up.
 */
export async function registerAllSchemas(
  client: RegistryClient,
): Promise<{ subject: string; version: number; id: number }[]> {
  const registered: { subject: string; version: number; id: number }[] = [];
  for (const [subject, entry] of Object.entries(subjects)) {
    await client.setCompatibility(subject, entry.compatibility);
    for (const [index, schema] of entry.versions.entries()) {
      registered.push({ subject, version: index + 1, id: await client.register(subject, JSON.stringify(schema)) });
    }
  }
  return registered;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = loadConfigOrExit(
    z.object({ SCHEMA_REGISTRY_URL: env.url("http://127.0.0.1:8081"), LOG_LEVEL: env.logLevel() }),
  );
  const logger = createLogger("schemas-register", config.LOG_LEVEL);
  const client = createRegistryClient({ url: config.SCHEMA_REGISTRY_URL });
  try {
    const registered = await withRetry(retryPolicies.startup, () => registerAllSchemas(client), {
      onRetry: (error, attempt) => logger.warn({ ...describeError(error), attempt }, "registry not ready; retrying"),
    });
    for (const entry of registered) logger.info(entry, "schema registered");
  } catch (error) {
    logger.error(describeError(error), "schema registration failed");
    process.exit(1);
  }
}

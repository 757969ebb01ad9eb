import Fastify from "fastify";
import pg from "pg";
import type { Logger } from "../../platform/log.ts";
import { RegistryHttpError } from "./httpErrors.ts";
import { createPostgresRegistryStore } from "./postgresRegistryStore.ts";
import { registryRoutes } from "./routes.ts";

export interface RunningRegistry {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts the schema registry HTTP service over PostgreSQL (creating its tables if missing). Embeddable: tests
 * and the demo start it in their own process; `npm run registry` runs it alone.
 */
export async function startRegistry(options: {
  databaseUrl: string;
  port: number;
  host?: string;
  logger?: Logger;
}): Promise<RunningRegistry> {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
  pool.on("error", (error) =>
    options.logger?.error({ err: error, code: "SCHEMA_REGISTRY_DB" }, "idle PostgreSQL client failed"),
  );
  const store = createPostgresRegistryStore(pool);
  try {
    await store.migrate();
  } catch (error) {
    await pool.end();
    throw error;
  }

  const app = Fastify({ logger: false });
  app.addContentTypeParser(
    /^application\/(vnd\.schemaregistry(\.v1)?\+)?json/,
    { parseAs: "string" },
    (_request, body, done) => {
      const text = typeof body === "string" ? body : body.toString("utf8");
      if (text.trim() === "") return done(null, undefined);
      try {
        done(null, JSON.parse(text));
      } catch {
        done(new RegistryHttpError(400, 400, "Unexpected character in the request body: not JSON"), undefined);
      }
    },
  );
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof RegistryHttpError) {
      return reply
        .code(error.status)
        .type("application/vnd.schemaregistry.v1+json")
        .send({ error_code: error.errorCode, message: error.message });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (typeof status === "number" && status < 500) {
      return reply.code(status).send({ error_code: status, message: (error as Error).message });
    }
    options.logger?.error({ err: error, code: "SCHEMA_REGISTRY_INTERNAL" }, "registry request failed");
    return reply
      .code(500)
      .send({ error_code: 50001, message: `Error in the backend data store: ${(error as Error).message}` });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error_code: 404, message: `HTTP 404 Not Found: ${request.method} ${request.url}` }),
  );
  app.addHook("onSend", async (_request, reply, payload) => {
    if (String(reply.getHeader("content-type") ?? "").startsWith("application/json"))
      reply.type("application/vnd.schemaregistry.v1+json");
    return payload;
  });
  registryRoutes(app, store, options.logger);

  const host = options.host ?? "127.0.0.1";
  try {
    await app.listen({ port: options.port, host });
  } catch (error) {
    await pool.end();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  options.logger?.info({ url }, "schema registry listening");
  return {
    port,
    url,
    async close() {
      await app.close();
      await pool.end();
    },
  };
}

import Fastify, { type FastifyInstance } from "fastify";
import { metricsRegistry } from "./metrics.ts";

/** A readiness probe returns its verdict and, when not ready, why (shown in /readyz for on-call engineers). */
export type ReadinessCheck = () => { ready: boolean; reason?: string } | Promise<{ ready: boolean; reason?: string }>;

export interface OpsServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Serves /metrics (Prometheus), /healthz (process alive) and /readyz (every named check passes). */
export async function startOpsServer(options: {
  port: number;
  host?: string;
  checks: Record<string, ReadinessCheck>;
  extend?: (app: FastifyInstance) => void;
}): Promise<OpsServer> {
  const app = Fastify({ logger: false });
  app.get("/healthz", () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    const results = await Promise.all(
      Object.entries(options.checks).map(async ([name, check]) => {
        try {
          return [name, await check()] as const;
        } catch (error) {
          return [name, { ready: false, reason: error instanceof Error ? error.message : String(error) }] as const;
        }
      }),
    );
    const ready = results.every(([, result]) => result.ready);
    return reply.code(ready ? 200 : 503).send({ ready, checks: Object.fromEntries(results) });
  });
  app.get("/metrics", async (_request, reply) =>
    reply.header("content-type", metricsRegistry.contentType).send(await metricsRegistry.metrics()),
  );
  options.extend?.(app);
  await app.listen({ port: options.port, host: options.host ?? "127.0.0.1" });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return { port, close: () => app.close() };
}

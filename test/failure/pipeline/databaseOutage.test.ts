import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PIPELINE_APPLICATION_NAME } from "../../../pipeline/service.ts";
import { metricsRegistry } from "../../../platform/metrics.ts";
import { waitFor } from "../../../stack/processes.ts";
import { baseDatabaseUrl, withDatabase } from "../../support/database.ts";
import { createPipelineWorld, type PipelineWorld } from "../../integration/pipeline/support/harness.ts";
import { waitForCaughtUp } from "../../integration/pipeline/support/kafkaRead.ts";
import { countAndDistinct } from "../../integration/pipeline/support/snapshot.ts";
import { decodedRecord } from "../../unit/pipeline/support/fixtures.ts";

let world: PipelineWorld;
let admin: pg.Client;
beforeAll(async () => {
  world = await createPipelineWorld("pipe_outage");
  admin = new pg.Client({ connectionString: withDatabase(baseDatabaseUrl, "postgres") });
  await admin.connect();
});
afterAll(async () => {
  await admin?.query(`ALTER DATABASE ${world.database.name} ALLOW_CONNECTIONS true`).catch(() => undefined);
  await admin?.end();
  await world?.close();
});

const terminatePipelineConnections = (database: string) =>
  admin.query(
    "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = $2",
    [database, PIPELINE_APPLICATION_NAME],
  );

const metricValue = async (name: string): Promise<number> => {
  const metric = (await metricsRegistry.getMetricsAsJSON()).find((entry) => entry.name === name);
  return metric?.values.reduce((sum, value) => sum + value.value, 0) ?? 0;
};

describe("database outage", () => {
  it("pauses, reports not ready, retries and then stores everything with nothing dead-lettered", async () => {
    // Given a pipeline storing 20,000 events
    const total = 20_000;
    await world.produce(
      Array.from({ length: total }, (_, i) => decodedRecord(i)),
      2,
    );
    const pipeline = await world.start();
    await waitFor(async () => ((await countAndDistinct(world.pool)).count >= 1_000 ? true : undefined), {
      timeoutMs: 60_000,
      what: "1,000 rows",
    });
    // When the database refuses new connections and every pipeline connection is terminated, for a few seconds
    await admin.query(`ALTER DATABASE ${world.database.name} ALLOW_CONNECTIONS false`);
    await terminatePipelineConnections(world.database.name);
    // Then the pipeline pauses its partitions and /readyz's database check fails
    const notReady = await waitFor(
      async () => {
        const verdict = await pipeline.checks.database?.();
        return verdict && !verdict.ready ? verdict : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 50, what: "database check not ready" },
    );
    expect(notReady.reason).toMatch(/paused/);
    expect(await metricValue("fleetline_pipeline_paused_partitions")).toBeGreaterThan(0);
    expect(await metricValue("fleetline_pipeline_infrastructure_failures_total")).toBeGreaterThan(0);
    // When the database comes back (and connections are cut once more for good measure)
    await admin.query(`ALTER DATABASE ${world.database.name} ALLOW_CONNECTIONS true`);
    await terminatePipelineConnections(world.database.name);
    // Then every event is stored exactly once, it becomes ready again, and nothing went to the DLQ
    await world.waitForRows(total, 120_000);
    await waitForCaughtUp(world.admin, world.env.PIPELINE_GROUP_ID ?? "", world.topic, 120_000);
    expect(await countAndDistinct(world.pool)).toEqual({ count: total, distinct: total });
    expect(await pipeline.checks.database?.()).toEqual({ ready: true });
    const [dlq] = await world.admin.watermarks(world.dlqTopic);
    expect(dlq?.high).toBe("0");
    expect(await metricValue("fleetline_pipeline_dlq_records_total")).toBe(0);
  });
});

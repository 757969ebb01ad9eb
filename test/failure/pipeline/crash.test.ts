import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../../stack/processes.ts";
import { createPipelineWorld, type PipelineWorld } from "../../integration/pipeline/support/harness.ts";
import { waitForCaughtUp } from "../../integration/pipeline/support/kafkaRead.ts";
import { countAndDistinct } from "../../integration/pipeline/support/snapshot.ts";
import { refreshRollups } from "../../../pipeline/store/rollups.ts";
import { decodedRecord } from "../../unit/pipeline/support/fixtures.ts";
import { startChildPipeline } from "./childPipeline.ts";

let world: PipelineWorld;
beforeAll(async () => {
  world = await createPipelineWorld("pipe_crash");
});
afterAll(async () => {
  await world?.close();
});

describe("pipeline crash", () => {
  it("stores every event exactly once after a SIGKILL mid-batch and a restart", async () => {
    // Given 30,000 events on the topic and a pipeline process storing them in batches of 500
    const total = 30_000;
    await world.produce(
      Array.from({ length: total }, (_, i) => decodedRecord(i)),
      2,
    );
    const first = await startChildPipeline(world.env);
    // When it is SIGKILLed while it is storing (some but not all rows stored)
    await waitFor(async () => ((await countAndDistinct(world.pool)).count >= 3_000 ? true : undefined), {
      timeoutMs: 60_000,
      what: "3,000 rows",
    });
    await first.kill("SIGKILL");
    const atKill = (await countAndDistinct(world.pool)).count;
    // And a new process starts in the same group
    const second = await startChildPipeline(world.env);
    try {
      await world.waitForRows(total, 120_000);
      await waitForCaughtUp(world.admin, world.env.PIPELINE_GROUP_ID ?? "", world.topic, 120_000);
    } finally {
      await second.kill("SIGTERM");
    }
    // Then each event is stored exactly once and the rollups count each exactly once too
    expect(atKill).toBeLessThan(total);
    expect(await countAndDistinct(world.pool)).toEqual({ count: total, distinct: total });
    await refreshRollups(world.pool);
    const rollups = await world.pool.query<{ m: number; h: number }>(
      "SELECT (SELECT sum(sample_count) FROM telemetry_rollup_1m)::int AS m, (SELECT sum(sample_count) FROM telemetry_rollup_1h)::int AS h",
    );
    expect(rollups.rows[0]).toEqual({ m: total, h: total });
  });

  it("commits no unstored offsets on SIGTERM: after a restart every event is stored exactly once", async () => {
    // Given 20,000 more events and a pipeline process storing them
    const from = 30_000;
    const total = 50_000;
    await world.produce(
      Array.from({ length: total - from }, (_, i) => decodedRecord(from + i)),
      2,
    );
    const first = await startChildPipeline(world.env);
    await waitFor(async () => ((await countAndDistinct(world.pool)).count >= from + 2_000 ? true : undefined), {
      timeoutMs: 60_000,
      what: "2,000 new rows",
    });
    // When it is asked to stop gracefully in the middle of the stream
    const code = await first.kill("SIGTERM");
    // Then it exits cleanly, and a restarted process completes the stream with nothing lost or doubled
    expect(code).toBe(0);
    expect(first.output.join("")).toContain("stopped cleanly");
    const second = await startChildPipeline(world.env);
    try {
      await world.waitForRows(total, 120_000);
      await waitForCaughtUp(world.admin, world.env.PIPELINE_GROUP_ID ?? "", world.topic, 120_000);
    } finally {
      await second.kill("SIGTERM");
    }
    expect(await countAndDistinct(world.pool)).toEqual({ count: total, distinct: total });
  });
});

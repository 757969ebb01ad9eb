import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../../stack/processes.ts";
import { decodedRecord } from "../../unit/pipeline/support/fixtures.ts";
import { createPipelineWorld, type PipelineWorld } from "./support/harness.ts";
import { waitForCaughtUp } from "./support/kafkaRead.ts";
import { countAndDistinct } from "./support/snapshot.ts";

let world: PipelineWorld;
beforeAll(async () => {
  world = await createPipelineWorld("pipe_rebalance", { partitions: 6 });
});
afterAll(async () => {
  await world?.close();
});

const events = (from: number, count: number) => Array.from({ length: count }, (_, i) => decodedRecord(from + i));
const rowsAtLeast = (n: number) =>
  waitFor(async () => ((await countAndDistinct(world.pool)).count >= n ? true : undefined), {
    timeoutMs: 60_000,
    what: `${n} rows`,
  });

describe("two pipeline instances in one group", () => {
  it("lose nothing and double nothing while a rebalance happens under load", async () => {
    // Given instance A consuming a stream of events
    await world.produce(events(0, 10_000));
    const a = await world.start();
    await rowsAtLeast(1_000);
    // When instance B joins (rebalance) while more events arrive
    const b = await world.start();
    await world.produce(events(10_000, 10_000));
    await rowsAtLeast(12_000);
    // And instance A leaves (second rebalance) while yet more arrive
    await a.stop();
    await world.produce(events(20_000, 10_000));
    // Then B stores everything; every event exactly once, rollups count each once
    await world.waitForRows(30_000, 120_000);
    await waitForCaughtUp(world.admin, world.env.PIPELINE_GROUP_ID ?? "", world.topic, 120_000);
    expect(await countAndDistinct(world.pool)).toEqual({ count: 30_000, distinct: 30_000 });
    await b.refreshRollups();
    const sums = await world.pool.query("SELECT sum(sample_count)::int AS n FROM telemetry_rollup_1h");
    expect(sums.rows[0]).toEqual({ n: 30_000 });
    await b.stop();
  });
});

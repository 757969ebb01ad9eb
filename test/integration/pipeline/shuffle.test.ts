import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { telemetryV2 } from "../../../schemas/catalog.ts";
import { createTestTopic } from "../../support/kafka.ts";
import { uniqueName } from "../../support/names.ts";
import { decodedRecord, shuffled } from "../../unit/pipeline/support/fixtures.ts";
import { createPipelineWorld, type PipelineWorld } from "./support/harness.ts";
import { waitForCaughtUp } from "./support/kafkaRead.ts";
import { snapshotTables } from "./support/snapshot.ts";

let world: PipelineWorld;
beforeAll(async () => {
  world = await createPipelineWorld("pipe_shuffle");
});
afterAll(async () => {
  await world?.close();
});

describe("order and duplicates through Kafka", () => {
  it("give identical tables (rows, latest state, rollups) for in-order and duplicated+shuffled delivery", async () => {
    // Given 5,000 events stored from an in-order topic
    const events = Array.from({ length: 5_000 }, (_, i) => decodedRecord(i));
    await world.produce(events);
    const inOrder = await world.start();
    await waitForCaughtUp(world.admin, world.env.PIPELINE_GROUP_ID ?? "", world.topic);
    await inOrder.refreshRollups();
    await inOrder.stop();
    const expected = await snapshotTables(world.pool);
    // When the tables are emptied and the same events, each twice and shuffled, are consumed from another topic
    await world.pool.query(
      "TRUNCATE telemetry, vehicle_latest, telemetry_rollup_1m, telemetry_rollup_1h, telemetry_rollup_pending",
    );
    const second = await createTestTopic(world.admin, uniqueName("pipe-shuffled"), 3);
    const noisy = shuffled([...events, ...events], 2026);
    const encoded = await Promise.all(
      noisy.map(async (record) => ({
        key: record.vin,
        value: await world.serde.encode(`${world.topic}-value`, telemetryV2, record),
      })),
    );
    for (let i = 0; i < encoded.length; i += 1_000) await world.producer.send(second, encoded.slice(i, i + 1_000));
    const group = uniqueName("pipe-shuffled-group");
    const shuffledRun = await world.start({
      PIPELINE_TOPIC: second,
      PIPELINE_GROUP_ID: group,
      PIPELINE_BATCH_SIZE: "97",
    });
    await waitForCaughtUp(world.admin, group, second);
    await shuffledRun.refreshRollups();
    await shuffledRun.stop();
    // Then every table is identical
    expect(await snapshotTables(world.pool)).toEqual(expected);
  });
});

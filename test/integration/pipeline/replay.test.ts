import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DecodedTelemetry } from "../../../pipeline/core/telemetryRow.ts";
import { runMigrations } from "../../../pipeline/store/migrations.ts";
import { createPostgresTelemetryStore } from "../../../pipeline/store/postgresTelemetryStore.ts";
import { refreshRollups } from "../../../pipeline/store/rollups.ts";
import { runReplay, type ReplaySummary } from "../../../pipeline/tools/replayRun.ts";
import { createLogger } from "../../../platform/log.ts";
import { telemetryV2 } from "../../../schemas/catalog.ts";
import { uniqueName } from "../../support/names.ts";
import { decodedRecord, vinFor } from "../../unit/pipeline/support/fixtures.ts";
import { createPipelineWorld, type PipelineWorld } from "./support/harness.ts";
import { runCli } from "./support/cli.ts";
import { waitForCaughtUp } from "./support/kafkaRead.ts";
import { snapshotTables } from "./support/snapshot.ts";

const logger = createLogger("replay-test", "silent");
let world: PipelineWorld;
beforeAll(async () => {
  world = await createPipelineWorld("pipe_replay");
  await runMigrations(world.pool, logger);
});
afterAll(async () => {
  await world?.close();
});

const replay = (args: { from: number; to?: number; vin?: string }): Promise<ReplaySummary> =>
  runReplay(
    { from: args.from, to: args.to, vin: args.vin },
    {
      kafka: world.kafka,
      topic: world.topic,
      groupId: uniqueName("replay"),
      store: createPostgresTelemetryStore(world.pool, logger),
      decode: (value) => world.serde.decode<DecodedTelemetry>(value, telemetryV2),
      logger,
    },
  );
const emptyTables = () =>
  world.pool.query(
    "TRUNCATE telemetry, vehicle_latest, telemetry_rollup_1m, telemetry_rollup_1h, telemetry_rollup_pending",
  );

describe("replay", () => {
  let t0 = 0;
  let t1 = 0;
  let expectedAll: Record<string, unknown[]> = {};

  beforeAll(async () => {
    // Given two waves of events on the topic, stored by the pipeline; t1 separates the waves in broker time
    t0 = Date.now() - 1_000;
    await world.produce(Array.from({ length: 2_000 }, (_, i) => decodedRecord(i)));
    await new Promise((resolve) => setTimeout(resolve, 50)); // a gap in record timestamps, not a wait for work
    t1 = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await world.produce(Array.from({ length: 1_000 }, (_, i) => decodedRecord(2_000 + i)));
    const pipeline = await world.start();
    await waitForCaughtUp(world.admin, world.env.PIPELINE_GROUP_ID ?? "", world.topic);
    await pipeline.refreshRollups();
    await pipeline.stop();
    expectedAll = await snapshotTables(world.pool);
  });

  it("into an emptied store reproduces every table exactly", async () => {
    // Given emptied tables
    await emptyTables();
    // When the whole time range is replayed
    const summary = await replay({ from: t0 });
    await refreshRollups(world.pool);
    // Then everything is back, identical
    expect(summary).toMatchObject({ read: 3_000, inserted: 3_000, alreadyPresent: 0, poison: 0 });
    expect(await snapshotTables(world.pool)).toEqual(expectedAll);
  });

  it("into a full store inserts nothing and reports every row as already present", async () => {
    const summary = await replay({ from: t0 });
    expect(summary).toMatchObject({ read: 3_000, inserted: 0, alreadyPresent: 3_000 });
    await refreshRollups(world.pool);
    expect(await snapshotTables(world.pool)).toEqual(expectedAll);
  });

  it("limits itself to the --from/--to window and to one --vin", async () => {
    // Given emptied tables
    await emptyTables();
    // When only the first wave is replayed, then only one vehicle of the second wave
    const firstWave = await replay({ from: t0, to: t1 });
    const oneVehicle = await replay({ from: t1, vin: vinFor(2) });
    // Then exactly those rows are stored
    expect(firstWave).toMatchObject({ read: 2_000, inserted: 2_000 });
    const secondWaveOfVin2 = Array.from({ length: 1_000 }, (_, i) => decodedRecord(2_000 + i)).filter(
      (r) => r.vin === vinFor(2),
    ).length;
    expect(oneVehicle).toMatchObject({
      read: 1_000,
      inserted: secondWaveOfVin2,
      filteredOut: 1_000 - secondWaveOfVin2,
    });
    const stored = await world.pool.query("SELECT count(*)::int AS n FROM telemetry");
    expect(stored.rows[0]).toEqual({ n: 2_000 + secondWaveOfVin2 });
  });

  it("runs as a CLI with a progress bar and a final inserted/already-present count", async () => {
    // Given a store already holding the first wave (previous test) and t0 before everything
    // When an operator replays from t0 to t1
    const { stdout } = await runCli(
      "pipeline/tools/replay.ts",
      ["--from", new Date(t0).toISOString(), "--to", new Date(t1).toISOString()],
      world.env,
    );
    // Then the final line says nothing new was inserted
    expect(stdout).toContain("replayed 2000 records: 0 rows inserted, 2000 already present");
  });
});

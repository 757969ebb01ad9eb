import { telemetryV2 } from "../../../schemas/catalog.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uuidFor, vinFor, decodedRecord } from "../../unit/pipeline/support/fixtures.ts";
import { countAndDistinct, snapshotTables } from "./support/snapshot.ts";
import { createPipelineWorld, type PipelineWorld } from "./support/harness.ts";
import { kafkaKinds } from "../../support/kafka.ts";
import { runCli } from "./support/cli.ts";
import { readTopic, waitForCaughtUp } from "./support/kafkaRead.ts";

const header = (record: { headers: Readonly<Record<string, Buffer | undefined>> }, name: string) =>
  record.headers[name]?.toString();

describe.each(kafkaKinds)("pipeline consumption with the %s adapter (real Kafka, registry and PostgreSQL)", (kind) => {
  let world: PipelineWorld;
  beforeAll(async () => {
    world = await createPipelineWorld(`pipe_consume_${kind}`, { kind });
  });
  afterAll(async () => {
    await world?.close();
  });

  it("stores v1 and v2 records, dead-letters each poison record with its bytes and reasons, and stores the rest", async () => {
    // Given 300 v2 and 200 v1 valid records, and five kinds of poison mixed in
    const v2 = Array.from({ length: 300 }, (_, i) => decodedRecord(i));
    const v1 = Array.from({ length: 200 }, (_, i) => decodedRecord(300 + i));
    await world.produce(v2.slice(0, 150), 2);
    const garbage = Buffer.from("not avro at all");
    const unknownId = Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 1, 2, 3]);
    const offContract = await world.serde.encode(
      `${world.topic}-value`,
      telemetryV2,
      decodedRecord(900, { speed_kph: 999 }),
    );
    const nulInText = await world.serde.encode(
      `${world.topic}-value`,
      telemetryV2,
      decodedRecord(901, { fault_codes: ["P\u00000"] }),
    );
    const vin = vinFor(3);
    await world.produceRaw([
      { key: vin, value: garbage, headers: { event_id: uuidFor(1_000) } },
      { key: vin, value: unknownId },
      { key: vin, value: offContract },
      { key: vin, value: nulInText },
      { key: vin, value: null },
    ]);
    await world.produce(v1, 1);
    await world.produce(v2.slice(150), 2);
    // When the pipeline runs
    await world.start();
    await world.waitForRows(500);
    const dead = await readTopic(world.kafka, world.dlqTopic, 5);
    // Then every valid record is stored once, v1 with v2 defaults
    await waitForCaughtUp(world.admin, world.env.PIPELINE_GROUP_ID ?? "", world.topic);
    expect(await countAndDistinct(world.pool)).toEqual({ count: 500, distinct: 500 });
    const v1Row = await world.pool.query(
      "SELECT battery_temp_c, tyre_pressure_kpa, fault_codes FROM telemetry WHERE event_id = $1",
      [uuidFor(301)],
    );
    expect(v1Row.rows).toEqual([{ battery_temp_c: null, tyre_pressure_kpa: null, fault_codes: [] }]);
    // And the five poison records are in the DLQ with original key and bytes and the source coordinates
    expect(dead).toHaveLength(5);
    const codes = dead.map((record) => header(record, "dlq.error.code")).sort();
    expect(codes).toEqual(
      ["22021", "PIPE_INVALID_RECORD", "SCHEMA_BAD_MAGIC", "SCHEMA_EMPTY", "SCHEMA_UNKNOWN_ID"].sort(),
    );
    const garbageDead = dead.find((record) => header(record, "dlq.error.code") === "SCHEMA_BAD_MAGIC");
    expect(garbageDead?.value).toEqual(garbage);
    expect(garbageDead?.key?.toString()).toBe(vin);
    expect(header(garbageDead!, "event_id")).toBe(uuidFor(1_000));
    expect(header(garbageDead!, "dlq.source.topic")).toBe(world.topic);
    expect(Number(header(garbageDead!, "dlq.source.partition"))).toBeGreaterThanOrEqual(0);
    expect(header(garbageDead!, "dlq.source.offset")).toMatch(/^\d+$/);
    expect(header(garbageDead!, "dlq.error.message")).toBeTruthy();
    expect(Number.isNaN(Date.parse(header(garbageDead!, "dlq.failed_at") ?? ""))).toBe(false);
  });

  it("stores nothing twice when every record is delivered again", async () => {
    // Given the stored state after the first delivery
    const before = await snapshotTables(world.pool);
    // When the same 500 records are produced again, shuffled in another order of versions
    await world.produce(
      Array.from({ length: 500 }, (_, i) => decodedRecord(499 - i)),
      2,
    );
    await waitForCaughtUp(world.admin, world.env.PIPELINE_GROUP_ID ?? "", world.topic);
    // Then the tables are identical
    expect(await snapshotTables(world.pool)).toEqual(before);
  });

  it("lists dead-lettered records with their reasons and redrives the chosen ones to the source topic (CLI)", async () => {
    // Given the five dead-lettered records from the first test
    // When an operator lists them
    const list = await runCli("pipeline/tools/dlq.ts", ["list"], world.env);
    // Then each is listed with its code, and a summary counts them by reason
    expect(list.stdout).toMatch(/5 record\(s\) in .*: /);
    expect(list.stdout).toContain("SCHEMA_BAD_MAGIC");
    // When the off-contract one is redriven
    const before = await world.admin.watermarks(world.topic);
    const sent = await runCli("pipeline/tools/dlq.ts", ["redrive", "--code", "PIPE_INVALID_RECORD"], world.env);
    expect(sent.stdout).toContain("redrove 1 record(s)");
    // Then it is back on the source topic with its original bytes, and (still invalid) dead-lettered again
    const after = await world.admin.watermarks(world.topic);
    const grown =
      after.reduce((n, mark) => n + Number(mark.high), 0) - before.reduce((n, mark) => n + Number(mark.high), 0);
    expect(grown).toBe(1);
    const dead = await readTopic(world.kafka, world.dlqTopic, 6);
    const again = dead.filter((record) => header(record, "dlq.error.code") === "PIPE_INVALID_RECORD");
    expect(again).toHaveLength(2);
    expect(again[1]?.value).toEqual(again[0]?.value);
    expect(header(again[1]!, "dlq.redriven_from")).toBeUndefined();
  });
});

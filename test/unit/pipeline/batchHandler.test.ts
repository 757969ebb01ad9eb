import { describe, expect, it } from "vitest";
import { createBatchHandler, type PipelineHealth } from "../../../pipeline/consumer/batchHandler.ts";
import type { InsertResult, TelemetryStore } from "../../../pipeline/core/ports.ts";
import type { DecodedTelemetry, TelemetryRow } from "../../../pipeline/core/telemetryRow.ts";
import { FleetlineError } from "../../../platform/errors.ts";
import type { ConsumedRecord, ConsumerBatch, OutgoingRecord } from "../../../platform/kafka/port.ts";
import { createLogger } from "../../../platform/log.ts";
import { decodedRecord } from "./support/fixtures.ts";

/** In-memory fakes: a store that can be told to fail, and a consumer/producer that record what happened, in order. */
function setup(options: { failures?: number; stale?: () => boolean; abort?: AbortController } = {}) {
  const events: string[] = [];
  const stored = new Map<string, TelemetryRow>();
  let failures = options.failures ?? 0;
  const store: TelemetryStore = {
    insertBatch(rows): Promise<InsertResult> {
      if (failures > 0) {
        failures--;
        events.push("store-failed");
        return Promise.reject(
          Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }),
        );
      }
      let inserted = 0;
      for (const row of rows) if (!stored.has(row.eventId) && stored.set(row.eventId, row)) inserted++;
      events.push(`stored:${rows.length}`);
      return Promise.resolve({ inserted, duplicates: rows.length - inserted });
    },
  };
  const dlq: OutgoingRecord[] = [];
  const health: PipelineHealth = { paused: new Set(), lastFailure: null };
  const controller = options.abort ?? new AbortController();
  const handler = createBatchHandler({
    consumer: {
      commit: (offsets) => {
        events.push(`commit:${offsets.map((o) => `${o.partition}@${o.offset}`).join(",")}`);
        return Promise.resolve();
      },
      pause: () => events.push("pause"),
      resume: () => events.push("resume"),
    },
    dlqProducer: {
      send: (_topic, records) => {
        dlq.push(...records);
        events.push(`dlq:${records.length}`);
        return Promise.resolve([]);
      },
    },
    dlqTopic: "dlq",
    batch: {
      store,
      decode: (value) => {
        if (value === null || value[0] !== 0x7b)
          return Promise.reject(new FleetlineError("SCHEMA_BAD_MAGIC", "not a record"));
        return Promise.resolve(JSON.parse(value.toString()) as DecodedTelemetry);
      },
    },
    logger: createLogger("test", "silent"),
    clock: () => 0,
    health,
    signal: controller.signal,
    retryPolicy: { name: "test", initialDelayMs: 1, maxDelayMs: 2, multiplier: 1, jitter: 0, maxAttempts: Infinity },
  });
  const run = (batch: ConsumerBatch) => handler(batch, { isStale: options.stale ?? (() => false) });
  return { events, stored, dlq, health, run, controller };
}

const consumed = (offset: number, value: Buffer | null): ConsumedRecord => ({
  topic: "t",
  partition: 1,
  offset: String(offset),
  key: Buffer.from("k"),
  value,
  headers: {},
  timestamp: "0",
});
const good = (offset: number) => consumed(offset, Buffer.from(JSON.stringify(decodedRecord(offset))));
const batchOf = (records: ConsumedRecord[]): ConsumerBatch => ({
  topic: "t",
  partition: 1,
  records,
  highWatermark: "100",
});

describe("batch handler", () => {
  it("commits last offset + 1 only after the batch is stored", async () => {
    const world = setup();
    await world.run(batchOf([good(10), good(11), good(12)]));
    expect(world.events).toEqual(["stored:3", "commit:1@13"]);
  });

  it("dead-letters poison and waits for the DLQ before committing; the rest is stored", async () => {
    const world = setup();
    await world.run(batchOf([good(10), consumed(11, Buffer.from("garbage")), good(12)]));
    expect(world.events).toEqual(["stored:2", "dlq:1", "commit:1@13"]);
    expect(world.dlq[0]?.headers?.["dlq.error.code"]).toBe("SCHEMA_BAD_MAGIC");
  });

  it("pauses on an infrastructure failure, retries until it clears, resumes, and never dead-letters", async () => {
    const world = setup({ failures: 3 });
    await world.run(batchOf([good(10), good(11)]));
    expect(world.events).toEqual([
      "store-failed",
      "pause",
      "store-failed",
      "store-failed",
      "stored:2",
      "resume",
      "commit:1@12",
    ]);
    expect(world.dlq).toEqual([]);
    expect(world.health.paused.size).toBe(0);
  });

  it("abandons the batch without committing when shutdown begins during retries", async () => {
    const controller = new AbortController();
    const world = setup({ failures: Infinity, abort: controller });
    const running = world.run(batchOf([good(10)]));
    setTimeout(() => controller.abort(), 20);
    await running;
    expect(world.events.some((event) => event.startsWith("commit"))).toBe(false);
    expect(world.events).toContain("resume");
  });

  it("does not commit when the partition was revoked while storing", async () => {
    const world = setup({ stale: () => true });
    await world.run(batchOf([good(10)]));
    expect(world.events).toEqual(["stored:1"]);
  });
});

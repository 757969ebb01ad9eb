import { describe, expect, it } from "vitest";
import { toDlqRecord } from "../../../pipeline/consumer/dlqRecord.ts";
import { offsetRanges } from "../../../pipeline/tools/boundedRead.ts";
import { describeDlqRecord, matchesFilter, parseDlqArgs, redriveRecord } from "../../../pipeline/tools/dlqArgs.ts";
import { parseReplayArgs } from "../../../pipeline/tools/replayArgs.ts";
import { FleetlineError } from "../../../platform/errors.ts";
import type { ConsumedRecord } from "../../../platform/kafka/port.ts";

const source: ConsumedRecord = {
  topic: "vehicle.telemetry",
  partition: 2,
  offset: "41",
  key: Buffer.from("1FLT0000000000003"),
  value: Buffer.from([1, 2, 3]),
  headers: { event_id: Buffer.from("e-1"), "dlq.error.code": Buffer.from("stale") },
  timestamp: "0",
};

describe("dead-letter records", () => {
  it("keep the original key, bytes and headers and name the source and the error", () => {
    // Given a record that failed to decode
    const error = new FleetlineError("SCHEMA_BAD_MAGIC", "first byte is 0x01");
    // When it is turned into a DLQ record
    const dead = toDlqRecord(source, error, Date.UTC(2026, 0, 1));
    // Then
    expect(dead).toEqual({
      key: source.key,
      value: source.value,
      headers: {
        event_id: Buffer.from("e-1"),
        "dlq.source.topic": "vehicle.telemetry",
        "dlq.source.partition": "2",
        "dlq.source.offset": "41",
        "dlq.error.code": "SCHEMA_BAD_MAGIC",
        "dlq.error.message": "first byte is 0x01",
        "dlq.failed_at": "2026-01-01T00:00:00.000Z",
      },
    });
  });

  it("are redriven to their source topic without the dlq.* headers, saying where they came from", () => {
    const headers = Object.fromEntries(
      Object.entries(toDlqRecord(source, new Error("x"), 0).headers ?? {}).map(([k, v]) => [k, Buffer.from(v)]),
    );
    const dead: ConsumedRecord = { ...source, topic: "vehicle.telemetry.dlq", partition: 0, offset: "7", headers };
    expect(redriveRecord(dead)).toEqual({
      topic: "vehicle.telemetry",
      key: source.key,
      value: source.value,
      headers: { event_id: Buffer.from("e-1"), "dlq.redriven_from": "vehicle.telemetry.dlq/0/7" },
    });
    expect(matchesFilter(dead, { code: "Error" })).toBe(true);
    expect(matchesFilter(dead, { code: "Error", vin: "OTHER" })).toBe(false);
    expect(describeDlqRecord(dead)).toContain("vehicle.telemetry[2]@41");
  });
});

describe("operator arguments", () => {
  it("replay needs --from and accepts an optional window end and VIN", () => {
    expect(parseReplayArgs(["--from", "2026-01-01T00:00:00Z", "--vin", "1FLT0000000000003"])).toEqual({
      from: Date.UTC(2026, 0, 1),
      to: undefined,
      vin: "1FLT0000000000003",
    });
    expect(() => parseReplayArgs([])).toThrow(/--from/);
    expect(() => parseReplayArgs(["--from", "yesterday"])).toThrow(/ISO time/);
    expect(() => parseReplayArgs(["--from", "2026-01-02T00:00:00Z", "--to", "2026-01-01T00:00:00Z"])).toThrow(/later/);
  });

  it("dlq understands list, show and redrive with filters", () => {
    expect(parseDlqArgs(["list", "--code", "SCHEMA_BAD_MAGIC"])).toEqual({
      kind: "list",
      filter: { code: "SCHEMA_BAD_MAGIC", vin: undefined, offsets: undefined },
    });
    expect(parseDlqArgs(["show", "12", "--partition", "1"])).toEqual({ kind: "show", partition: 1, offset: "12" });
    expect(parseDlqArgs(["redrive", "--offsets", "1, 2", "--dry-run"])).toMatchObject({
      kind: "redrive",
      dryRun: true,
      filter: { offsets: ["1", "2"] },
    });
    expect(() => parseDlqArgs(["drop"])).toThrow(/usage/);
  });
});

describe("offsetRanges", () => {
  it("pairs start and end offsets per partition and never reads backwards", () => {
    const { ranges, total } = offsetRanges(
      [
        { partition: 1, offset: "10" },
        { partition: 0, offset: "5" },
        { partition: 2, offset: "9" },
      ],
      [
        { partition: 0, offset: "8" },
        { partition: 1, offset: "10" },
        { partition: 2, offset: "3" },
      ],
    );
    expect(ranges).toEqual([
      { partition: 0, start: 5n, end: 8n },
      { partition: 1, start: 10n, end: 10n },
      { partition: 2, start: 9n, end: 9n },
    ]);
    expect(total).toBe(3n);
  });
});

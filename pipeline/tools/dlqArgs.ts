import { parseArgs } from "node:util";
import { FleetlineError } from "../../platform/errors.ts";
import type { ConsumedRecord } from "../../platform/kafka/port.ts";
import { DLQ_HEADERS } from "../consumer/dlqRecord.ts";

export type DlqCommand =
  | { readonly kind: "list"; readonly filter: DlqFilter }
  | { readonly kind: "show"; readonly partition: number; readonly offset: string }
  | { readonly kind: "redrive"; readonly filter: DlqFilter; readonly dryRun: boolean };

export interface DlqFilter {
  readonly code?: string;
  readonly vin?: string;
  readonly offsets?: readonly string[];
}

export const dlqUsage = `usage: npm run dlq -- list [--code C] [--vin V]
       npm run dlq -- show <offset> [--partition P]
       npm run dlq -- redrive [--code C] [--vin V] [--offsets 1,2,3] [--dry-run]`;

/** Pure: the dlq CLI's arguments. */
export function parseDlqArgs(argv: readonly string[]): DlqCommand {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      code: { type: "string" },
      vin: { type: "string" },
      offsets: { type: "string" },
      partition: { type: "string", default: "0" },
      "dry-run": { type: "boolean", default: false },
    },
  });
  const filter: DlqFilter = {
    code: values.code,
    vin: values.vin,
    offsets: values.offsets?.split(",").map((entry) => entry.trim()),
  };
  const [command, argument] = positionals;
  switch (command) {
    case "list":
      return { kind: "list", filter };
    case "show":
      if (argument === undefined || !/^\d+$/.test(argument))
        throw new FleetlineError("PIPE_DLQ_ARGS", `show expects an offset\n${dlqUsage}`);
      return { kind: "show", partition: Number(values.partition), offset: argument };
    case "redrive":
      return { kind: "redrive", filter, dryRun: values["dry-run"] };
    default:
      throw new FleetlineError("PIPE_DLQ_ARGS", dlqUsage);
  }
}

const header = (record: ConsumedRecord, name: string): string | undefined => record.headers[name]?.toString();

/** Pure: whether a dead-lettered record matches the filter (all given criteria must hold). */
export function matchesFilter(record: ConsumedRecord, filter: DlqFilter): boolean {
  if (filter.code !== undefined && header(record, DLQ_HEADERS.errorCode) !== filter.code) return false;
  if (filter.vin !== undefined && record.key?.toString() !== filter.vin) return false;
  if (filter.offsets !== undefined && !filter.offsets.includes(record.offset)) return false;
  return true;
}

/** Pure: one line per dead-lettered record, for `list`. */
export function describeDlqRecord(record: ConsumedRecord): string {
  const source = `${header(record, DLQ_HEADERS.sourceTopic) ?? "?"}[${header(record, DLQ_HEADERS.sourcePartition) ?? "?"}]@${header(record, DLQ_HEADERS.sourceOffset) ?? "?"}`;
  const message = (header(record, DLQ_HEADERS.errorMessage) ?? "").slice(0, 100);
  return `${record.partition}:${record.offset}  ${header(record, DLQ_HEADERS.failedAt) ?? "?"}  ${header(record, DLQ_HEADERS.errorCode) ?? "?"}  ${source}  key=${record.key?.toString() ?? "null"}  ${message}`;
}

/** Pure: the record to send back to its source topic: original key, bytes and headers, plus where it came from. */
export function redriveRecord(record: ConsumedRecord): {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | string>;
} {
  const topic = header(record, DLQ_HEADERS.sourceTopic);
  if (topic === undefined)
    throw new FleetlineError(
      "PIPE_DLQ_NO_SOURCE",
      `DLQ record ${record.partition}:${record.offset} has no ${DLQ_HEADERS.sourceTopic} header`,
    );
  const headers: Record<string, Buffer | string> = {};
  for (const [name, value] of Object.entries(record.headers))
    if (value !== undefined && !name.startsWith("dlq.")) headers[name] = value;
  headers["dlq.redriven_from"] = `${record.topic}/${record.partition}/${record.offset}`;
  return { topic, key: record.key, value: record.value, headers };
}

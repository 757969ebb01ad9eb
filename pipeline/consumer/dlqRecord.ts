import { describeError } from "../../platform/errors.ts";
import type { ConsumedRecord, HeaderValue, OutgoingRecord } from "../../platform/kafka/port.ts";

export const DLQ_HEADERS = {
  sourceTopic: "dlq.source.topic",
  sourcePartition: "dlq.source.partition",
  sourceOffset: "dlq.source.offset",
  errorCode: "dlq.error.code",
  errorMessage: "dlq.error.message",
  failedAt: "dlq.failed_at",
} as const;

const MAX_MESSAGE = 1_000;

/** Pure: the dead-letter record keeps the original key, value bytes and headers, and says where and why it failed. */
export function toDlqRecord(source: ConsumedRecord, error: unknown, failedAt: number): OutgoingRecord {
  const { code, message } = describeError(error);
  const headers: Record<string, HeaderValue> = {};
  for (const [name, value] of Object.entries(source.headers))
    if (value !== undefined && !name.startsWith("dlq.")) headers[name] = value;
  headers[DLQ_HEADERS.sourceTopic] = source.topic;
  headers[DLQ_HEADERS.sourcePartition] = String(source.partition);
  headers[DLQ_HEADERS.sourceOffset] = source.offset;
  headers[DLQ_HEADERS.errorCode] = code;
  headers[DLQ_HEADERS.errorMessage] = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
  headers[DLQ_HEADERS.failedAt] = new Date(failedAt).toISOString();
  return { key: source.key, value: source.value, headers };
}

import { normaliseHeaders } from "./headers.ts";
import type { ConsumerBatch } from "./port.ts";

/** The fields both clients give each fetched message. */
export interface FetchedMessage {
  readonly offset: string;
  readonly key?: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: unknown;
  readonly timestamp: string;
}

/** One chunk of a partition's fetch, in the port's shape (same for both adapters). */
export function toConsumerBatch(topic: string, partition: number, highWatermark: string, messages: readonly FetchedMessage[]): ConsumerBatch {
  return {
    topic,
    partition,
    highWatermark,
    records: messages.map((message) => ({
      topic,
      partition,
      offset: message.offset,
      key: message.key ?? null,
      value: message.value,
      headers: normaliseHeaders(message.headers as Record<string, unknown> | undefined),
      timestamp: message.timestamp,
    })),
  };
}

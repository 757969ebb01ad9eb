import pg from "pg";
import type { KafkaAdmin } from "../platform/kafka/port.ts";
import { waitFor } from "./processes.ts";

export interface LossAudit {
  readonly checked: number;
  readonly missing: number;
  readonly duplicated: number;
  readonly missingSample: readonly string[];
}

/** Waits until the consumer group has committed up to the end of every partition (lag 0), bounded in time. */
export async function waitForZeroLag(admin: KafkaAdmin, groupId: string, topic: string, timeoutMs: number): Promise<number> {
  let lag = Number.POSITIVE_INFINITY;
  await waitFor(
    async () => {
      const [ends, committed] = await Promise.all([admin.watermarks(topic), admin.groupOffsets(groupId, topic)]);
      lag = ends.reduce((total, end) => {
        const at = committed.find((entry) => entry.partition === end.partition)?.offset ?? "-1";
        const position = at === "-1" ? BigInt(end.low) : BigInt(at);
        return total + Number(BigInt(end.high) - position);
      }, 0);
      return lag <= 0 ? true : undefined;
    },
    { timeoutMs, intervalMs: 500, what: `consumer group ${groupId} to catch up (lag ${lag})` },
  ).catch(() => undefined);
  return lag;
}

/**
 * The loss audit: every PUBACKed event_id must be stored exactly once. Counts missing ids and ids stored more
 * than once (the primary key includes event_time, so a duplicate with a different time would show here).
 */
export async function auditStoredEvents(databaseUrl: string, ackedEventIds: Iterable<string>): Promise<LossAudit> {
  const ids = [...new Set(ackedEventIds)];
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const counts = new Map<string, number>();
    for (let start = 0; start < ids.length; start += 10_000) {
      const chunk = ids.slice(start, start + 10_000);
      const result = await client.query<{ event_id: string; copies: string }>(
        "SELECT event_id::text AS event_id, count(*) AS copies FROM telemetry WHERE event_id::text = ANY($1::text[]) GROUP BY event_id",
        [chunk],
      );
      for (const row of result.rows) counts.set(row.event_id, Number(row.copies));
    }
    const missing = ids.filter((id) => !counts.has(id));
    return {
      checked: ids.length,
      missing: missing.length,
      duplicated: [...counts.values()].filter((copies) => copies > 1).length,
      missingSample: missing.slice(0, 10),
    };
  } finally {
    await client.end();
  }
}

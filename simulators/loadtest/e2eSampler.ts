import pg from "pg";

/**
 * Samples end-to-end latency (vehicle publish → row committed in PostgreSQL): every `every`-th acknowledged
 * event_id is looked up until its row appears. Resolution is the poll interval; the vehicle clock must be
 * unskewed for the figure to mean anything (the load test runs without skew).
 */
export function startE2eSampler(options: { databaseUrl: string; ackedIds: () => ReadonlySet<string>; every?: number; pollMs?: number; clock?: () => number }) {
  const every = options.every ?? 50;
  const clock = options.clock ?? Date.now;
  const client = new pg.Client({ connectionString: options.databaseUrl });
  const pending = new Set<string>();
  const latencies: number[] = [];
  let seen = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const poll = async () => {
    const acked = options.ackedIds();
    let index = 0;
    for (const id of acked) {
      if (index >= seen && index % every === 0) pending.add(id);
      index += 1;
    }
    seen = acked.size;
    if (pending.size > 0) {
      const result = await client.query<{ event_id: string; event_ms: string }>(
        "SELECT event_id::text AS event_id, (extract(epoch from event_time) * 1000)::bigint AS event_ms FROM telemetry WHERE event_id = ANY($1::uuid[])",
        [[...pending]],
      );
      const now = clock();
      for (const row of result.rows) {
        pending.delete(row.event_id);
        latencies.push(now - Number(row.event_ms));
      }
    }
    if (!stopped) timer = setTimeout(() => void poll().catch(() => undefined), options.pollMs ?? 250);
  };

  const started = client.connect().then(() => poll());
  return {
    latencies: () => [...latencies],
    async stop(): Promise<number[]> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await started.catch(() => undefined);
      await client.end().catch(() => undefined);
      return [...latencies];
    },
  };
}

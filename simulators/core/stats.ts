/** Nearest-rank percentile (p in [0, 100]) of unsorted samples; undefined when there are none. */
export function percentile(samples: readonly number[], p: number): number | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

/** Counts everything the simulator did, so every misbehaviour and every loss is visible in the summary. */
export interface SimulationCounters {
  /** Payloads produced by the data generator. */
  generated: number;
  /** MQTT publishes handed to the client (duplicates and malformed included). */
  published: number;
  /** PUBACKs received (per publish, duplicates included). */
  acked: number;
  /** Publishes the client reported as failed (connection closed for good, store error). */
  failed: number;
  droppedFromBuffer: number;
  duplicatesSent: number;
  malformedSent: number;
  reordered: number;
  outages: number;
  reconnectAttempts: number;
  reconnects: number;
  /** Un-PUBACKed messages found in the persistent store at start (left by a previous run) and resent. */
  recoveredFromStore: number;
  recoveredAcked: number;
}

export const newCounters = (): SimulationCounters => ({
  generated: 0,
  published: 0,
  acked: 0,
  failed: 0,
  droppedFromBuffer: 0,
  duplicatesSent: 0,
  malformedSent: 0,
  reordered: 0,
  outages: 0,
  reconnectAttempts: 0,
  reconnects: 0,
  recoveredFromStore: 0,
  recoveredAcked: 0,
});

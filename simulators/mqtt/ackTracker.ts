import { writeFile } from "node:fs/promises";
import { percentile } from "../core/stats.ts";

/**
 * PUBACK accounting across the fleet: latency per publish (publish call → PUBACK) and the set of acknowledged
 * well-formed event_ids, which is exactly what the load test's loss audit must find stored.
 */
export class AckTracker {
  private readonly acked = new Set<string>();
  private readonly latencies: number[] = [];
  private recent: number[] = [];

  /** Records a PUBACK; `eventId` null for malformed payloads (acknowledged but not expected in storage). */
  recordAck(eventId: string | null, latencyMs: number | undefined): void {
    if (eventId !== null) this.acked.add(eventId);
    if (latencyMs !== undefined) {
      this.latencies.push(latencyMs);
      this.recent.push(latencyMs);
    }
  }

  ackedEventIds(): ReadonlySet<string> {
    return this.acked;
  }

  latencyPercentiles(): { p50: number | undefined; p99: number | undefined; max: number | undefined } {
    return { p50: percentile(this.latencies, 50), p99: percentile(this.latencies, 99), max: percentile(this.latencies, 100) };
  }

  /** Percentiles of the PUBACKs since the previous call (live progress). */
  takeRecentPercentiles(): { p50: number | undefined; p99: number | undefined } {
    const window = this.recent;
    this.recent = [];
    return { p50: percentile(window, 50), p99: percentile(window, 99) };
  }

  /** Writes the acknowledged event_ids, one per line. */
  async writeAckedEventIds(path: string): Promise<void> {
    await writeFile(path, [...this.acked].map((id) => `${id}\n`).join(""));
  }
}

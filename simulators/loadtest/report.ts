import { percentile } from "../core/stats.ts";
import type { SimulationSummary } from "../mqtt/simulation.ts";

export interface LoadReport {
  readonly target: string;
  readonly vehicles: number;
  readonly offered_rate: number;
  readonly duration_s: number;
  readonly sent: number;
  readonly acked: number;
  readonly failed: number;
  readonly unacked: number;
  readonly missing: number | null;
  readonly duplicated: number | null;
  readonly msgs_per_s: number;
  readonly puback_p50_ms: number | null;
  readonly puback_p99_ms: number | null;
  readonly e2e_p50_ms: number | null;
  readonly e2e_p99_ms: number | null;
  readonly e2e_samples: number;
}

const orNull = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? null : Math.round(value * 10) / 10);

/** Pure: one run's figures in the shape the JSON report promises. */
export function buildReport(input: {
  target: string;
  offeredRate: number;
  durationS: number;
  summary: SimulationSummary;
  audit?: { missing: number; duplicated: number };
  e2eLatencies: readonly number[];
}): LoadReport {
  const { summary } = input;
  return {
    target: input.target,
    vehicles: summary.vehicles,
    offered_rate: input.offeredRate,
    duration_s: input.durationS,
    sent: summary.published,
    acked: summary.acked,
    failed: summary.failed,
    unacked: summary.unacked,
    missing: input.audit ? input.audit.missing : null,
    duplicated: input.audit ? input.audit.duplicated : null,
    msgs_per_s: Math.round(summary.msgsPerSecond),
    puback_p50_ms: orNull(summary.pubackP50Ms),
    puback_p99_ms: orNull(summary.pubackP99Ms),
    e2e_p50_ms: orNull(percentile(input.e2eLatencies, 50)),
    e2e_p99_ms: orNull(percentile(input.e2eLatencies, 99)),
    e2e_samples: input.e2eLatencies.length,
  };
}

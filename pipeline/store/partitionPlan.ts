/** Pure planning of daily telemetry partitions (UTC days), so the maintenance job is testable without a clock. */
export const DAY_MS = 86_400_000;

export interface DailyPartition {
  readonly name: string;
  /** Inclusive lower bound, epoch ms at 00:00 UTC. */
  readonly from: number;
  /** Exclusive upper bound. */
  readonly to: number;
}

export const dayStart = (epochMs: number): number => Math.floor(epochMs / DAY_MS) * DAY_MS;

export function partitionForDay(epochMs: number, parent = "telemetry"): DailyPartition {
  const from = dayStart(epochMs);
  const day = new Date(from).toISOString().slice(0, 10).replaceAll("-", "");
  return { name: `${parent}_p${day}`, from, to: from + DAY_MS };
}

/** The distinct partitions a set of event times needs, in time order. */
export function partitionsForTimes(times: readonly number[], parent = "telemetry"): DailyPartition[] {
  const days = [...new Set(times.map(dayStart))].sort((a, b) => a - b);
  return days.map((day) => partitionForDay(day, parent));
}

export interface MaintenancePlan {
  readonly create: readonly DailyPartition[];
  /** Names of partitions entirely older than the retention window. */
  readonly drop: readonly string[];
}

/**
 * Create yesterday (late data), today and `premakeDays` ahead; drop every existing partition whose whole day lies
 * before `now - retentionDays`. Existing names that do not follow the daily pattern are never touched.
 */
export function planMaintenance(options: {
  readonly now: number;
  readonly premakeDays: number;
  readonly retentionDays: number;
  readonly existing: readonly string[];
  readonly parent?: string;
}): MaintenancePlan {
  const parent = options.parent ?? "telemetry";
  const today = dayStart(options.now);
  const existing = new Set(options.existing);
  const create: DailyPartition[] = [];
  for (let offset = -1; offset <= options.premakeDays; offset++) {
    const partition = partitionForDay(today + offset * DAY_MS, parent);
    if (!existing.has(partition.name)) create.push(partition);
  }
  const cutoff = options.now - options.retentionDays * DAY_MS;
  const pattern = new RegExp(`^${parent}_p(\\d{4})(\\d{2})(\\d{2})$`);
  const drop = options.existing.filter((name) => {
    const match = pattern.exec(name);
    if (!match) return false;
    const from = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    return from + DAY_MS <= cutoff;
  });
  return { create, drop: drop.sort() };
}

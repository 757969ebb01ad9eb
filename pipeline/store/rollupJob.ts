import type pg from "pg";
import { describeError } from "../../platform/errors.ts";
import type { Logger } from "../../platform/log.ts";
import { pipelineMetrics as metrics } from "../consumer/metrics.ts";
import { refreshRollups, type RollupRefresh } from "./rollups.ts";

export interface RollupJob {
  /** Refreshes now (after any refresh in flight); resolves when rollups include every batch committed before. */
  refresh(): Promise<RollupRefresh>;
  /** Stops the timer and waits for a refresh in flight. */
  stop(): Promise<void>;
}

/**
 * Runs `refreshRollups` every `intervalMs` (one at a time; a failure is logged, counted and retried next tick,
 * the keys stay pending), so rollups lag `telemetry` by at most about one interval plus one refresh.
 */
export function startRollupJob(pool: pg.Pool, logger: Logger, intervalMs: number): RollupJob {
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const refresh = (): Promise<RollupRefresh> => {
    const run = chain.then(async () => {
      const started = performance.now();
      const result = await refreshRollups(pool);
      metrics.rollupSeconds.observe((performance.now() - started) / 1000);
      metrics.rollupBuckets.inc(result.minutes + result.hours);
      return result;
    });
    chain = run.catch(() => undefined);
    return run;
  };
  const tick = () => {
    refresh()
      .catch((error: unknown) => {
        metrics.rollupFailures.inc({ code: describeError(error).code });
        logger.warn({ code: "PIPE_ROLLUP_REFRESH_FAILED", err: error }, "rollup refresh failed: keys stay pending");
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs).unref();
      });
  };
  timer = setTimeout(tick, intervalMs).unref();
  return {
    refresh,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await chain;
    },
  };
}

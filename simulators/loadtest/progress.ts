import cliProgress from "cli-progress";
import type { SimulationSnapshot } from "../mqtt/simulation.ts";

const ms = (value: number | undefined) => (value === undefined ? "-" : `${Math.round(value)}ms`);

/** Live progress: a bar on a terminal, a plain line every few seconds otherwise (CI logs stay readable). */
export function startProgress(options: { label: string; durationMs: number; offeredRate: number; snapshot: () => SimulationSnapshot; errors?: () => number }) {
  const tty = process.stdout.isTTY === true;
  const describe = () => {
    const snapshot = options.snapshot();
    const seconds = Math.max(0.001, snapshot.elapsedMs / 1000);
    return {
      snapshot,
      text: `offered ${options.offeredRate}/s achieved ${Math.round(snapshot.counters.acked / seconds)}/s in-flight ${snapshot.inFlight} p50 ${ms(snapshot.recentPubackP50Ms)} p99 ${ms(snapshot.recentPubackP99Ms)} errors ${snapshot.counters.failed + (options.errors?.() ?? 0)} connected ${snapshot.connected}/${snapshot.vehicles}`,
    };
  };
  if (tty) {
    const bar = new cliProgress.SingleBar({ format: `${options.label} [{bar}] {percentage}% | {text}`, hideCursor: true }, cliProgress.Presets.shades_classic);
    bar.start(Math.round(options.durationMs / 1000), 0, { text: "" });
    const timer = setInterval(() => {
      const { snapshot, text } = describe();
      bar.update(Math.min(Math.round(options.durationMs / 1000), Math.round(snapshot.elapsedMs / 1000)), { text });
    }, 500);
    return () => {
      clearInterval(timer);
      bar.stop();
    };
  }
  const timer = setInterval(() => console.log(`${options.label} ${Math.round(options.snapshot().elapsedMs / 1000)}s ${describe().text}`), 5_000);
  return () => clearInterval(timer);
}

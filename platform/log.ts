import { pino, type Logger } from "pino";

export type { Logger };

/** Structured JSON logs to stdout; `service` names the process so mixed logs stay readable. */
export function createLogger(service: string, level = "info"): Logger {
  return pino({ name: service, level, base: { service, pid: process.pid } });
}

/** Logs at most once per interval per key, counting what it suppressed, so floods stay visible but bounded. */
export function rateLimitedLog(intervalMs: number, now: () => number = Date.now) {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (key: string, write: (suppressed: number) => void): void => {
    const entry = last.get(key);
    const time = now();
    if (entry && time - entry.at < intervalMs) {
      entry.suppressed += 1;
      return;
    }
    write(entry?.suppressed ?? 0);
    last.set(key, { at: time, suppressed: 0 });
  };
}

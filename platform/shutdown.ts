import type { Logger } from "./log.ts";

/**
 * Graceful shutdown: on SIGTERM/SIGINT run the stop steps in order (stop intake → drain in-flight → close
 * clients). A second signal, or the deadline passing, exits at once: the at-least-once design means an
 * abandoned batch is redelivered, never lost.
 */
export function onShutdown(logger: Logger, stop: () => Promise<void>, options: { deadlineMs?: number } = {}): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting without draining");
      process.exit(130);
    }
    stopping = true;
    logger.info({ signal }, "shutting down: draining in-flight work");
    const deadline = setTimeout(() => {
      logger.error({ code: "SHUTDOWN_DEADLINE" }, "drain deadline passed: exiting; uncommitted work will be redelivered");
      process.exit(1);
    }, options.deadlineMs ?? 30_000);
    deadline.unref();
    stop().then(
      () => {
        logger.info("stopped cleanly");
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error, code: "SHUTDOWN_FAILED" }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", handler);
  process.on("SIGINT", handler);
}

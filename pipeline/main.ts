import { describeError } from "../platform/errors.ts";
import { createLogger } from "../platform/log.ts";
import { collectProcessMetrics } from "../platform/metrics.ts";
import { startOpsServer } from "../platform/opsServer.ts";
import { onShutdown } from "../platform/shutdown.ts";
import { loadPipelineConfigOrExit } from "./config.ts";
import { startPipeline } from "./service.ts";

const config = loadPipelineConfigOrExit();
const logger = createLogger("pipeline", config.LOG_LEVEL);
collectProcessMetrics("pipeline");
const pipeline = await startPipeline(config, { logger }).catch((error: unknown) => {
  logger.fatal({ ...describeError(error), err: error }, "pipeline failed to start");
  process.exit(1);
});
const ops = await startOpsServer({ port: config.METRICS_PORT, checks: pipeline.checks });
logger.info({ metricsPort: ops.port }, "pipeline ready");
onShutdown(
  logger,
  async () => {
    await pipeline.stop();
    await ops.close();
  },
  { deadlineMs: config.SHUTDOWN_DEADLINE_MS },
);

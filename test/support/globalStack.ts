import { rmSync } from "node:fs";
import path from "node:path";
import { brokerList, clusterStatus, readClusterState, startCluster, stopCluster } from "../../stack/kafkaCluster.ts";
import { stackRoot } from "../../stack/paths.ts";

/**
 * Vitest global setup for the integration and failure suites: reuse the developer's running stack
 * (`npm run stack:up`, which is what CI does), or start a private one on free ports and stop it at the end.
 * Tests find it through KAFKA_BROKERS and FLEETLINE_STACK_DIR (failure tests kill its nodes by pid).
 */
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  const sharedDir = process.env.STACK_DIR ?? path.join(stackRoot, "kafka");
  const shared = clusterStatus(sharedDir);
  if (shared.length > 0 && shared.every((node) => node.alive)) {
    const state = readClusterState(sharedDir);
    if (state) {
      process.env.KAFKA_BROKERS = brokerList(state).join(",");
      process.env.FLEETLINE_STACK_DIR = sharedDir;
      return undefined;
    }
  }
  const privateDir = path.join(stackRoot, `test-${process.pid}`);
  const { state } = await startCluster(privateDir, { ports: "auto" });
  process.env.KAFKA_BROKERS = brokerList(state).join(",");
  process.env.FLEETLINE_STACK_DIR = privateDir;
  return async () => {
    await stopCluster(privateDir);
    rmSync(privateDir, { recursive: true, force: true });
  };
}

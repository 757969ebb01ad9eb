import path from "node:path";
import { parseArgs } from "node:util";
import { isFleetlineError } from "../platform/errors.ts";
import { brokerList, clusterStatus, readClusterState, startCluster, stopCluster } from "./kafkaCluster.ts";
import { stackRoot } from "./paths.ts";
import { ensureDatabase } from "./postgres.ts";

const usage = `Usage: npm run stack:<up|down|status>

  up      start a 3-node Kafka 4 cluster (KRaft, RF 3, min ISR 2) from Maven jars and create the
          PostgreSQL database; idempotent; prints the settings the services need
  down    stop the Kafka nodes this stack started (by saved pid); data is kept in .stack/kafka
  status  show each node's pid, ports and liveness

Environment:
  STACK_KAFKA_PORT  first broker port (default 19092; brokers use +0..2, controllers +100..102)
  DATABASE_URL      PostgreSQL to use (default postgres://postgres@127.0.0.1:5432/fleetline)
  STACK_DIR         where broker data and logs live (default .stack/kafka)`;

const clusterDir = process.env.STACK_DIR ?? path.join(stackRoot, "kafka");
const databaseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/fleetline";

async function up(): Promise<void> {
  const base = Number(process.env.STACK_KAFKA_PORT ?? 19092);
  if (!Number.isInteger(base) || base < 1024 || base > 65000) throw new Error(`STACK_KAFKA_PORT must be a port number 1024-65000, got ${process.env.STACK_KAFKA_PORT}`);
  const started = Date.now();
  const { state, alreadyRunning } = await startCluster(clusterDir, { ports: base, log: (line) => console.log(line) });
  const { created } = await ensureDatabase(databaseUrl);
  console.log(alreadyRunning ? "Kafka is already up." : `Kafka is up (3 nodes, ${((Date.now() - started) / 1000).toFixed(1)} s).`);
  console.log(created ? "Created the PostgreSQL database." : "PostgreSQL database present.");
  console.log(`\nKAFKA_BROKERS=${brokerList(state).join(",")}\nDATABASE_URL=${databaseUrl}`);
}

function status(): void {
  const nodes = clusterStatus(clusterDir);
  if (nodes.length === 0) {
    console.log(`no stack in ${clusterDir} (run npm run stack:up)`);
    return;
  }
  console.log("node  pid      broker  controller  state");
  for (const node of nodes) {
    console.log(`${String(node.id).padEnd(6)}${String(node.pid ?? "-").padEnd(9)}${String(node.brokerPort).padEnd(8)}${String(node.controllerPort).padEnd(12)}${node.alive ? "running" : "stopped"}`);
  }
  const state = readClusterState(clusterDir);
  if (state) console.log(`\nKAFKA_BROKERS=${brokerList(state).join(",")}`);
  if (nodes.some((node) => !node.alive)) process.exitCode = 3;
}

async function down(): Promise<void> {
  const stopped = await stopCluster(clusterDir);
  console.log(stopped === 0 ? "nothing to stop." : `stopped ${stopped} Kafka node(s).`);
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { help: { type: "boolean", short: "h" } } });
  const command = positionals[0];
  if (values.help || !command) return void console.log(usage);
  if (command === "up") return up();
  if (command === "down") return down();
  if (command === "status") return status();
  console.error(`unknown command "${command}"\n\n${usage}`);
  process.exitCode = 2;
}

main().catch((error: unknown) => {
  console.error(isFleetlineError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});

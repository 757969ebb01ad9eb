import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync, closeSync } from "node:fs";
import path from "node:path";
import kafkajs from "kafkajs";
import { FleetlineError } from "../platform/errors.ts";
import { assertJava, ensureKafkaJars } from "./kafkaJars.ts";
import { log4jProperties, renderNodeProperties, type KafkaNodeSpec } from "./kafkaNodeConfig.ts";
import { kafkaLibDir } from "./paths.ts";
import { freePort, isOurProcess, isPortInUse, waitFor } from "./processes.ts";

/** What a cluster folder remembers between commands: its id, its nodes' ports and the pids we started. */
export interface ClusterState {
  readonly clusterId: string;
  readonly nodes: readonly (KafkaNodeSpec & { pid?: number })[];
}

export interface NodeStatus extends KafkaNodeSpec {
  readonly pid: number | undefined;
  readonly alive: boolean;
  readonly logFile: string;
}

const stateFile = (dir: string) => path.join(dir, "state.json");
const nodeDir = (dir: string, id: number) => path.join(dir, `node-${id}`);
const propertiesFile = (dir: string, id: number) => path.join(nodeDir(dir, id), "server.properties");
export const nodeLogFile = (dir: string, id: number) => path.join(nodeDir(dir, id), "kafka.log");

export function readClusterState(dir: string): ClusterState | undefined {
  if (!existsSync(stateFile(dir))) return undefined;
  return JSON.parse(readFileSync(stateFile(dir), "utf8")) as ClusterState;
}

function writeClusterState(dir: string, state: ClusterState): void {
  writeFileSync(stateFile(dir), `${JSON.stringify(state, null, 2)}\n`);
}

export function clusterStatus(dir: string): NodeStatus[] {
  const state = readClusterState(dir);
  if (!state) return [];
  return state.nodes.map((node) => ({
    id: node.id,
    brokerPort: node.brokerPort,
    controllerPort: node.controllerPort,
    pid: node.pid,
    alive: isOurProcess(node.pid, propertiesFile(dir, node.id)),
    logFile: nodeLogFile(dir, node.id),
  }));
}

export const brokerList = (state: ClusterState): string[] => state.nodes.map((node) => `127.0.0.1:${node.brokerPort}`);

/** Ports: a fixed base (developer stack: stable KAFKA_BROKERS) or "auto" (tests: free ports chosen now). */
async function planNodes(ports: number | "auto"): Promise<KafkaNodeSpec[]> {
  const ids = [1, 2, 3];
  if (ports === "auto") {
    const chosen: KafkaNodeSpec[] = [];
    for (const id of ids) chosen.push({ id, brokerPort: await freePort(), controllerPort: await freePort() });
    return chosen;
  }
  return ids.map((id, index) => ({ id, brokerPort: ports + index, controllerPort: ports + 100 + index }));
}

function java(args: string[]): { status: number | null; stdout: string; output: string } {
  const result = spawnSync("java", ["-cp", `${kafkaLibDir}/*`, ...args], { encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, output: `${result.stdout}${result.stderr}` };
}

/** Writes configs and formats log dirs once per cluster folder (a formatted folder keeps its data). */
async function initCluster(dir: string, ports: number | "auto"): Promise<ClusterState> {
  const existing = readClusterState(dir);
  if (existing) return existing;
  const nodes = await planNodes(ports);
  const uuid = java(["kafka.tools.StorageTool", "random-uuid"]);
  const clusterId = uuid.stdout.trim().split("\n").pop() ?? "";
  if (uuid.status !== 0 || !/^[\w-]{22}$/.test(clusterId)) {
    throw new FleetlineError("STACK_FORMAT_FAILED", `could not create a cluster id:\n${uuid.output}`);
  }
  for (const node of nodes) {
    mkdirSync(nodeDir(dir, node.id), { recursive: true });
    writeFileSync(propertiesFile(dir, node.id), renderNodeProperties(node, nodes, path.join(nodeDir(dir, node.id), "data")));
    const format = java(["kafka.tools.StorageTool", "format", "-t", clusterId, "-c", propertiesFile(dir, node.id), "--ignore-formatted"]);
    if (format.status !== 0) throw new FleetlineError("STACK_FORMAT_FAILED", `formatting node ${node.id} failed:\n${format.output}`);
  }
  writeFileSync(path.join(dir, "log4j2.properties"), log4jProperties);
  const state: ClusterState = { clusterId, nodes };
  writeClusterState(dir, state);
  return state;
}

/** Starts one node (not waiting for readiness). Refuses, with a clear error, when its ports are taken. */
export async function startNode(dir: string, id: number): Promise<number> {
  const state = readClusterState(dir);
  const node = state?.nodes.find((candidate) => candidate.id === id);
  if (!state || !node) throw new FleetlineError("STACK_UNKNOWN_NODE", `no node ${id} in ${dir}`);
  if (isOurProcess(node.pid, propertiesFile(dir, id))) return node.pid ?? 0;
  for (const port of [node.brokerPort, node.controllerPort]) {
    if (await isPortInUse(port)) {
      throw new FleetlineError(
        "STACK_PORT_IN_USE",
        `port ${port} (Kafka node ${id}) is already in use by another process; stop it, or choose other ports with STACK_KAFKA_PORT=<base>`,
      );
    }
  }
  const logFd = openSync(nodeLogFile(dir, id), "a");
  const child = spawn(
    "java",
    [
      "-Xms256m",
      "-Xmx512m",
      "-XX:+UseG1GC",
      `-Dlog4j2.configurationFile=${path.join(dir, "log4j2.properties")}`,
      "-cp",
      `${kafkaLibDir}/*`,
      "kafka.Kafka",
      propertiesFile(dir, id),
    ],
    { detached: true, stdio: ["ignore", logFd, logFd] },
  );
  closeSync(logFd);
  child.unref();
  const pid = child.pid ?? 0;
  writeClusterState(dir, { ...state, nodes: state.nodes.map((entry) => (entry.id === id ? { ...entry, pid } : entry)) });
  return pid;
}

/** Stops one node by its saved pid: SIGTERM (clean) or SIGKILL (failure tests), then waits for it to exit. */
export async function stopNode(dir: string, id: number, signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<void> {
  const node = readClusterState(dir)?.nodes.find((candidate) => candidate.id === id);
  if (!node?.pid || !isOurProcess(node.pid, propertiesFile(dir, id))) return;
  process.kill(node.pid, signal);
  const pid = node.pid;
  try {
    await waitFor(() => (isOurProcess(pid, propertiesFile(dir, id)) ? undefined : true), { timeoutMs: 30_000, what: `Kafka node ${id} to exit` });
  } catch {
    process.kill(pid, "SIGKILL");
  }
}

export function tailLog(file: string, lines = 25): string {
  if (!existsSync(file)) return "(no log yet)";
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}

/** Ready = every node's process alive and an admin client sees all of them as brokers. */
export async function waitUntilReady(dir: string, options: { timeoutMs?: number; expectedBrokers?: number } = {}): Promise<void> {
  const state = readClusterState(dir);
  if (!state) throw new FleetlineError("STACK_NOT_INITIALISED", `no cluster in ${dir}`);
  const expected = options.expectedBrokers ?? state.nodes.length;
  const kafka = new kafkajs.Kafka({ clientId: "fleetline-stack", brokers: brokerList(state), logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 0 } });
  const admin = kafka.admin();
  try {
    await waitFor(
      async () => {
        for (const node of clusterStatus(dir)) {
          if (!node.alive && node.pid) {
            throw new FleetlineError("STACK_NODE_DIED", `Kafka node ${node.id} exited during start-up. Last lines of ${node.logFile}:\n${tailLog(node.logFile)}`);
          }
        }
        try {
          await admin.connect();
          const cluster = await admin.describeCluster();
          return cluster.brokers.length >= expected && cluster.controller !== null ? true : undefined;
        } catch {
          return undefined;
        }
      },
      { timeoutMs: options.timeoutMs ?? 120_000, intervalMs: 500, what: `${expected} Kafka brokers` },
    );
  } catch (error) {
    if (error instanceof FleetlineError) throw error;
    const logs = state.nodes.map((node) => `--- node ${node.id} (${nodeLogFile(dir, node.id)}):\n${tailLog(nodeLogFile(dir, node.id), 15)}`);
    throw new FleetlineError("STACK_NOT_READY", `Kafka did not become ready in time.\n${logs.join("\n")}`, { cause: error });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Idempotent: starts whatever nodes are not running and waits until all are ready. */
export async function startCluster(dir: string, options: { ports: number | "auto"; log?: (line: string) => void }): Promise<{ state: ClusterState; alreadyRunning: boolean }> {
  const log = options.log ?? (() => undefined);
  assertJava();
  ensureKafkaJars(log);
  mkdirSync(dir, { recursive: true });
  const state = await initCluster(dir, options.ports);
  const before = clusterStatus(dir);
  const alreadyRunning = before.length > 0 && before.every((node) => node.alive);
  for (const node of before) if (!node.alive) await startNode(dir, node.id);
  await waitUntilReady(dir);
  return { state: readClusterState(dir) ?? state, alreadyRunning };
}

export async function stopCluster(dir: string): Promise<number> {
  const running = clusterStatus(dir).filter((node) => node.alive);
  await Promise.all(running.map((node) => stopNode(dir, node.id, "SIGTERM")));
  return running.length;
}

import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, openSync, closeSync } from "node:fs";
import path from "node:path";
import { FleetlineError } from "../platform/errors.ts";
import { projectRoot, stackRoot } from "./paths.ts";
import { tailLog } from "./kafkaCluster.ts";
import { waitFor } from "./processes.ts";

/** A Fleetline service started as a child process by the demo or the load test; stopped by its own pid. */
export interface RunningService {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
  exited(): boolean;
}

export const serviceLogDir = path.join(stackRoot, "logs");

/** Starts `npm run <script>` with `env`, logging to .stack/logs/<name>.log; resolves when `ready()` says so. */
export async function startService(options: {
  name: string;
  script: string;
  args?: readonly string[];
  env: Record<string, string>;
  ready: () => Promise<boolean>;
  timeoutMs?: number;
}): Promise<RunningService> {
  mkdirSync(serviceLogDir, { recursive: true });
  const logFile = path.join(serviceLogDir, `${options.name}.log`);
  const fd = openSync(logFile, "w");
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", options.script, ...(options.args ?? [])], {
    cwd: projectRoot,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  let exitCode: number | null | undefined;
  child.once("exit", (code, signal) => {
    exitCode = code ?? (signal ? -1 : 0);
  });
  const service: RunningService = {
    name: options.name,
    pid: child.pid ?? 0,
    logFile,
    exited: () => exitCode !== undefined,
    async stop(signal = "SIGTERM") {
      if (exitCode !== undefined) return;
      child.kill(signal);
      await waitFor(() => (exitCode !== undefined ? true : undefined), { timeoutMs: 30_000, what: `${options.name} to stop` }).catch(() => child.kill("SIGKILL"));
    },
  };
  try {
    await waitFor(
      async () => {
        if (exitCode !== undefined) {
          throw new FleetlineError("STACK_SERVICE_EXITED", `${options.name} exited with code ${exitCode} during start-up. Last lines of ${logFile}:\n${tailLog(logFile)}`);
        }
        return (await options.ready().catch(() => false)) ? true : undefined;
      },
      { timeoutMs: options.timeoutMs ?? 60_000, intervalMs: 250, what: `${options.name} to become ready` },
    );
  } catch (error) {
    await service.stop("SIGKILL");
    if (error instanceof FleetlineError) throw error;
    throw new FleetlineError("STACK_SERVICE_NOT_READY", `${options.name} did not become ready. Last lines of ${logFile}:\n${tailLog(logFile)}`, { cause: error });
  }
  return service;
}

/** Readiness probe for a service exposing /readyz. */
export const httpReady = (url: string) => async (): Promise<boolean> => {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  return response.ok;
};

/** Runs a one-shot tool (`node --import tsx <script> …args`) to completion; rejects with its output on failure. */
export function runTool(script: string, args: readonly string[], env: Record<string, string>, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new FleetlineError("STACK_TOOL_FAILED", `${script} ${args.join(" ")} exited with ${code}:\n${output.slice(-2000)}`));
    });
  });
}

import { spawn, type ChildProcess } from "node:child_process";
import { waitFor } from "../../../stack/processes.ts";

export interface ChildPipeline {
  readonly process: ChildProcess;
  readonly output: string[];
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** Runs `pipeline/main.ts` as its own OS process (so it can be SIGKILLed) and waits until it consumes. */
export async function startChildPipeline(env: Record<string, string>): Promise<ChildPipeline> {
  const child = spawn(process.execPath, ["--import", "tsx", "pipeline/main.ts"], {
    cwd: process.cwd(),
    env: { ...process.env, ...env, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stdout.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await waitFor(
    () => {
      if (child.exitCode !== null)
        throw new Error(`pipeline exited ${child.exitCode}:\n${output.join("").slice(-3_000)}`);
      return output.join("").includes("pipeline ready") ? true : undefined;
    },
    { timeoutMs: 60_000, what: "pipeline child ready" },
  );
  return {
    process: child,
    output,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

import { execFile } from "node:child_process";
import { promisify } from "node:util";

/** Runs one of the pipeline's operator CLIs as a real process with the given environment. */
export async function runCli(
  script: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: process.cwd(),
    env: { ...process.env, ...env, LOG_LEVEL: "warn" },
    timeout: 90_000,
  });
}

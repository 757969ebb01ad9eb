import { parseArgs } from "node:util";
import { FleetlineError } from "../../platform/errors.ts";

export interface ReplayArgs {
  readonly from: number;
  readonly to: number | undefined;
  readonly vin: string | undefined;
}

const time = (name: string, value: string): number => {
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed))
    throw new FleetlineError(
      "PIPE_REPLAY_ARGS",
      `--${name} expects an ISO time such as 2026-11-27T00:00:00Z, got ${JSON.stringify(value)}`,
    );
  return parsed;
};

/** Pure: `--from <ISO> [--to <ISO>] [--vin VIN]`. */
export function parseReplayArgs(argv: readonly string[]): ReplayArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: { from: { type: "string" }, to: { type: "string" }, vin: { type: "string" } },
    strict: true,
  });
  if (values.from === undefined) throw new FleetlineError("PIPE_REPLAY_ARGS", "--from <ISO time> is required");
  const from = time("from", values.from);
  const to = values.to === undefined ? undefined : time("to", values.to);
  if (to !== undefined && to <= from) throw new FleetlineError("PIPE_REPLAY_ARGS", "--to must be later than --from");
  if (values.vin !== undefined && !/^[A-HJ-NPR-Z0-9]{17}$/.test(values.vin)) {
    throw new FleetlineError("PIPE_REPLAY_ARGS", `--vin expects a 17-character VIN, got ${JSON.stringify(values.vin)}`);
  }
  return { from, to, vin: values.vin };
}

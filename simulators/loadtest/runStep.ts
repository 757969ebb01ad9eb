import path from "node:path";
import type { MisbehaviourConfig } from "../core/misbehaviour.ts";
import type { VehicleCredential } from "../mqtt/credentials.ts";
import { startSimulation, type SimulationSummary } from "../mqtt/simulation.ts";
import { startE2eSampler } from "./e2eSampler.ts";
import { startProgress } from "./progress.ts";

export interface StepResult {
  readonly summary: SimulationSummary;
  readonly ackedEventIds: ReadonlySet<string>;
  /** Stops end-to-end sampling (call after the pipeline has caught up) and returns the samples in ms. */
  readonly finishSampling: () => Promise<readonly number[]>;
}

/** One bounded load step against one MQTT endpoint, with live progress and (when storing) e2e sampling. */
export async function runStep(options: {
  label: string;
  mqttUrl: string;
  vehicles: number;
  rate: number;
  durationS: number;
  seed: string;
  storeRoot: string;
  credentials?: readonly VehicleCredential[];
  misbehaviour?: Partial<MisbehaviourConfig>;
  databaseUrl?: string;
}): Promise<StepResult> {
  const simulation = startSimulation({
    mqttUrl: options.mqttUrl,
    vehicles: options.vehicles,
    ratePerSecond: options.rate,
    durationMs: options.durationS * 1000,
    seed: options.seed,
    storeDir: path.join(options.storeRoot, options.seed),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.misbehaviour ? { misbehaviour: options.misbehaviour } : {}),
    drainTimeoutMs: 30_000,
  });
  const sampler = options.databaseUrl ? startE2eSampler({ databaseUrl: options.databaseUrl, ackedIds: () => simulation.tracker.ackedEventIds() }) : undefined;
  const stopProgress = startProgress({ label: options.label, durationMs: options.durationS * 1000, offeredRate: options.rate, snapshot: () => simulation.snapshot() });
  try {
    const summary = await simulation.finished;
    return { summary, ackedEventIds: simulation.tracker.ackedEventIds(), finishSampling: async () => (await sampler?.stop()) ?? [] };
  } catch (error) {
    await sampler?.stop();
    throw error;
  } finally {
    stopProgress();
  }
}

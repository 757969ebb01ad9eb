import { defaultMisbehaviour, type MisbehaviourConfig } from "../core/misbehaviour.ts";
import { createRandom } from "../core/rng.ts";
import { newCounters, type SimulationCounters } from "../core/stats.ts";
import { createVehicleSimulator } from "../core/vehicleSimulator.ts";
import { generateFleetVins } from "../core/vin.ts";
import { AckTracker } from "./ackTracker.ts";
import type { VehicleCredential } from "./credentials.ts";
import { VehicleConnection } from "./vehicleConnection.ts";

export interface SimulationOptions {
  readonly mqttUrl: string;
  readonly vehicles: number;
  /** Total messages per second across the fleet (generated; misbehaviour may add or remove publishes). */
  readonly ratePerSecond: number;
  readonly durationMs: number;
  readonly seed: string;
  /** Directory of the persistent outgoing stores (one file per VIN). */
  readonly storeDir: string;
  /** When given, VINs and passwords come from here (first `vehicles` entries); otherwise VINs derive from the seed. */
  readonly credentials?: readonly VehicleCredential[];
  readonly misbehaviour?: Partial<MisbehaviourConfig>;
  readonly maxInflightPerVehicle?: number;
  /** After the duration, how long to wait for outstanding PUBACKs before disconnecting (default 15 s). */
  readonly drainTimeoutMs?: number;
  readonly schemaVersion?: 1 | 2;
  readonly clock?: () => number;
  readonly monotonic?: () => number;
}

export interface SimulationSnapshot {
  readonly elapsedMs: number;
  readonly counters: Readonly<SimulationCounters>;
  readonly inFlight: number;
  readonly buffered: number;
  readonly connected: number;
  readonly vehicles: number;
  readonly recentPubackP50Ms: number | undefined;
  readonly recentPubackP99Ms: number | undefined;
}

export interface SimulationSummary extends Readonly<SimulationCounters> {
  readonly seed: string;
  readonly vehicles: number;
  readonly elapsedMs: number;
  /** Still unacknowledged at exit: left in the persistent store, resent by the next run with the same VINs. */
  readonly unacked: number;
  readonly ackedEventIds: number;
  readonly msgsPerSecond: number;
  readonly pubackP50Ms: number | undefined;
  readonly pubackP99Ms: number | undefined;
}

export interface Simulation {
  readonly vins: readonly string[];
  readonly tracker: AckTracker;
  /** Resolves when the run is over (duration elapsed, or `stop()`), after the bounded drain. */
  readonly finished: Promise<SimulationSummary>;
  /** Ends the run early (drains, then disconnects). */
  stop(): Promise<SimulationSummary>;
  /** Ends at once without draining, as a crash would; unacknowledged messages stay in the stores. */
  abort(): Promise<SimulationSummary>;
  snapshot(): SimulationSnapshot;
}

const TICK_MS = 10;

/** Starts a fleet: every vehicle its own MQTT connection; messages are spread round-robin at the total rate. */
export function startSimulation(options: SimulationOptions): Simulation {
  const clock = options.clock ?? Date.now;
  const monotonic = options.monotonic ?? (() => performance.now());
  const misbehaviour = { ...defaultMisbehaviour, ...options.misbehaviour };
  const counters = newCounters();
  const tracker = new AckTracker();
  const vins = options.credentials
    ? options.credentials.slice(0, options.vehicles).map((credential) => credential.vin)
    : generateFleetVins(createRandom(`${options.seed}:fleet`), options.vehicles);
  const secrets = new Map(options.credentials?.map((credential) => [credential.vin, credential.secret]));
  const connections = vins.map((vin) => {
    const secret = secrets.get(vin);
    return new VehicleConnection({
      mqttUrl: options.mqttUrl,
      simulator: createVehicleSimulator({ seed: options.seed, vin, clock, misbehaviour, counters, ...(options.schemaVersion ? { schemaVersion: options.schemaVersion } : {}) }),
      ...(secret === undefined ? {} : { secret }),
      storeDir: options.storeDir,
      bufferCapacity: misbehaviour.bufferCapacity,
      maxInflight: options.maxInflightPerVehicle ?? 100,
      counters,
      tracker,
      random: createRandom(`${options.seed}:${vin}:reconnect`),
      clock,
      monotonic,
    });
  });

  const startedAt = monotonic();
  const total = Math.floor((options.ratePerSecond * options.durationMs) / 1000);
  let ticks = 0;
  let cursor = 0;
  let ending: Promise<SimulationSummary> | undefined;
  let resolveFinished: (summary: SimulationSummary) => void = () => undefined;
  const finished = new Promise<SimulationSummary>((resolve) => (resolveFinished = resolve));

  const timer = setInterval(() => {
    const elapsed = monotonic() - startedAt;
    const due = Math.min(total, Math.floor((elapsed * options.ratePerSecond) / 1000));
    for (; ticks < due; ticks++) {
      connections[cursor]?.tick();
      cursor = (cursor + 1) % connections.length;
    }
    if (ticks >= total && elapsed >= options.durationMs) void end((connection) => connection.stop(options.drainTimeoutMs ?? 15_000));
  }, TICK_MS);

  function snapshot(): SimulationSnapshot {
    const recent = tracker.takeRecentPercentiles();
    return {
      elapsedMs: monotonic() - startedAt,
      counters: { ...counters },
      inFlight: connections.reduce((sum, connection) => sum + connection.inFlight, 0),
      buffered: connections.reduce((sum, connection) => sum + connection.buffered, 0),
      connected: connections.filter((connection) => connection.connected).length,
      vehicles: connections.length,
      recentPubackP50Ms: recent.p50,
      recentPubackP99Ms: recent.p99,
    };
  }

  function end(stopOne: (connection: VehicleConnection) => Promise<void> | void): Promise<SimulationSummary> {
    if (ending) return ending;
    clearInterval(timer);
    ending = Promise.all(connections.map(async (connection) => stopOne(connection))).then(() => {
      const elapsedMs = monotonic() - startedAt;
      const latency = tracker.latencyPercentiles();
      const summary: SimulationSummary = {
        ...counters,
        seed: options.seed,
        vehicles: connections.length,
        elapsedMs,
        unacked: connections.reduce((sum, connection) => sum + connection.unacknowledged, 0),
        ackedEventIds: tracker.ackedEventIds().size,
        msgsPerSecond: counters.acked / (Math.max(1, Math.min(elapsedMs, options.durationMs)) / 1000),
        pubackP50Ms: latency.p50,
        pubackP99Ms: latency.p99,
      };
      resolveFinished(summary);
      return summary;
    });
    return ending;
  }

  return {
    vins,
    tracker,
    finished,
    snapshot,
    stop: () => end((connection) => connection.stop(options.drainTimeoutMs ?? 15_000)),
    abort: () => {
      for (const connection of connections) connection.closeNow(); // also cuts short a drain already under way
      return end(() => undefined);
    },
  };
}

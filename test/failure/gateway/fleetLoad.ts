import { setImmediate as yieldToLoop, setTimeout as sleep } from "node:timers/promises";
import mqtt, { type MqttClient } from "mqtt";
import { openFileStore } from "../../../simulators/mqtt/fileStore.ts";
import { telemetry } from "../../integration/gateway/harness.ts";

export interface FleetLoad {
  /** event_ids handed to mqtt.js at QoS 1. */
  readonly sent: Set<string>;
  /** event_ids whose PUBACK arrived. */
  readonly acked: Set<string>;
  /** QoS 0 messages written to the socket (best effort). */
  readonly qos0Sent: () => number;
  /** Publish callbacks that reported an error (each is published again with the same event_id). */
  readonly errors: () => number;
  /** Resolves when every vehicle has handed all its messages to mqtt.js. */
  readonly published: Promise<void>;
  /** Ends every client (forcefully) and closes the stores. */
  stop(): Promise<void>;
}

/**
 * Vehicles publishing telemetry through mqtt.js with a persistent outgoing store (simulators/mqtt/fileStore.ts,
 * one file per VIN under `storeDir`), `clean: false` and automatic reconnection: what a real vehicle does.
 */
export function startFleetLoad(options: {
  port: number;
  secrets: ReadonlyMap<string, string>;
  perVehicle: number;
  /** Pause between two messages of one vehicle; 0 = as fast as mqtt.js takes them. */
  intervalMs: number;
  storeDir: string;
  /** Every n-th message is QoS 0 (0 = never). */
  qos0Every?: number;
}): FleetLoad {
  const sent = new Set<string>();
  const acked = new Set<string>();
  let errors = 0;
  let qos0 = 0;
  let stopped = false;
  const clients: MqttClient[] = [];
  const run = async (vin: string, secret: string) => {
    const client = mqtt.connect({
      host: "127.0.0.1",
      port: options.port,
      protocolVersion: 4,
      clientId: vin,
      username: vin,
      password: secret,
      clean: false,
      reconnectPeriod: 250,
      reconnectOnConnackError: true, // CONNACK 3 under overload means "come back later", as for a real vehicle
      connectTimeout: 5_000,
      outgoingStore: openFileStore(options.storeDir, vin),
    });
    client.on("error", () => undefined); // refused CONNACKs and resets are expected under failure; it reconnects
    clients.push(client);
    for (let seq = 0; seq < options.perVehicle && !stopped; seq++) {
      const event = telemetry(vin, seq);
      const qos = options.qos0Every && seq % options.qos0Every === options.qos0Every - 1 ? 0 : 1;
      if (qos === 1) sent.add(event.event_id);
      const publish = () =>
        client.publish(`vehicles/${vin}/telemetry`, JSON.stringify(event), { qos }, (error) => {
          if (qos === 0) qos0++;
          else if (!error) acked.add(event.event_id);
          else {
            // mqtt.js fails messages it had queued but not yet stored when a connection closes mid-replay:
            // a vehicle publishes them again (same event_id), exactly like the simulator does.
            errors++;
            if (!stopped) setTimeout(publish, 100);
          }
        });
      publish();
      if (options.intervalMs > 0) await sleep(options.intervalMs);
      else if (seq % 20 === 19) await yieldToLoop();
    }
  };
  const published = Promise.all([...options.secrets].map(([vin, secret]) => run(vin, secret))).then(() => undefined);
  return {
    sent,
    acked,
    qos0Sent: () => qos0,
    errors: () => errors,
    published,
    async stop() {
      stopped = true;
      await Promise.all(clients.map((client) => client.endAsync(true)));
    },
  };
}

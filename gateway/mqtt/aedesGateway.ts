import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { Aedes, type AuthenticateError, type Client } from "aedes";
import { describeError } from "../../platform/errors.ts";
import { rateLimitedLog, type Logger } from "../../platform/log.ts";
import { decideClientId, decidePublish, decideSubscribe, decideWill } from "../core/acl.ts";
import { acceptsConnections, admitPublish, type BudgetLimits } from "../core/budget.ts";
import { initialScan, scanChunk } from "../core/packetSize.ts";
import { BoundedMap, isBlocked, recordFailure, takeToken, type LoginFailures, type ThrottlePolicy, type TokenBucket } from "../core/rateLimit.ts";
import { otaCommandsTopic } from "../core/topics.ts";
import { isVin } from "../core/vin.ts";
import { gatewayMetrics as metrics } from "../metrics.ts";
import { createFlowControl, type FlowSession } from "./flowControl.ts";
import type { Ingest } from "./ingest.ts";
import { pausable } from "./pausable.ts";

export interface GatewayOptions {
  readonly ingest: Ingest;
  readonly authenticator: { authenticate(vin: string, secret: string): Promise<boolean> };
  readonly limits: BudgetLimits;
  readonly maxPacketBytes: number;
  readonly connectTimeoutMs: number;
  readonly maxConnectionsPerSecond: number;
  readonly loginThrottle: ThrottlePolicy;
  /** TLS client-certificate mode: the certificate's subject CN is the VIN and no password is needed. */
  readonly clientCertIdentity: boolean;
  readonly now: () => number;
  readonly logger: Logger;
}

interface Session {
  readonly vin: string;
  readonly flow: FlowSession;
  /** Settles after the previous message's PUBACK decision, so PUBACKs leave in PUBLISH order (MQTT 4.6). */
  tail: Promise<void>;
  /** Messages being produced; at most `perClientInflight`. */
  active: number;
  /** Messages parsed from the last socket read beyond the cap (the socket is paused, so this stays small). */
  readonly waiting: (() => void)[];
}

const authError = (message: string, returnCode: 2 | 3 | 4 | 5): AuthenticateError => Object.assign(new Error(message), { returnCode });

/**
 * The MQTT side: aedes with every hook bound to the pure core. The PUBACK of a QoS 1 PUBLISH is released only
 * when `authorizePublish` calls back, which happens after Kafka acknowledged (aedes 1.x writes the PUBACK
 * right after that callback and before any later hook).
 */
export async function createGateway(options: GatewayOptions) {
  const { logger, limits } = options;
  const logLimited = rateLimitedLog(10_000, options.now);
  const flow = createFlowControl(limits, (from, to, budget) => logger.warn({ code: "GW_OVERLOAD_LEVEL", from, to, ...budget }, "overload level changed"));
  const sessions = new WeakMap<Client, Session>();
  const byVin = new Map<string, Client>();
  const wills = new WeakMap<Client, { topic: string; qos: number; retain: boolean } | null>();
  const failures = new BoundedMap<string, LoginFailures>(10_000);
  let connectionBucket: TokenBucket | undefined;

  const broker = new Aedes({
    connectTimeout: options.connectTimeoutMs,
    maxClientsIdLength: 23,
    queueLimit: 16,
    preConnect(client, packet, done) {
      wills.set(client, packet.will ? { topic: packet.will.topic, qos: packet.will.qos ?? 0, retain: packet.will.retain ?? false } : null);
      done(null, true);
    },
    authenticate(client, username, password, done) {
      authenticate(client, username, password).then(
        (error) => done(error, error === null),
        (error: unknown) => {
          logger.error({ code: "GW_AUTH_ERROR", err: error }, "authentication failed unexpectedly");
          done(authError("server unavailable", 3), false);
        },
      );
    },
    authorizePublish(client, packet, done) {
      if (!client) return done(null); // broker-internal publishes (downlink commands)
      authorizePublish(client, packet.topic, packet.qos, packet.retain, packet.payload, done);
    },
    authorizeSubscribe(client, subscription, done) {
      const session = sessions.get(client);
      const decision = session ? decideSubscribe(session.vin, subscription.topic) : ({ allowed: false, reason: "GW_ACL_UNKNOWN_TOPIC" } as const);
      if (decision.allowed) return done(null, { ...subscription, qos: Math.min(subscription.qos, 1) as 0 | 1 });
      metrics.aclDenials.inc({ action: "subscribe", reason: decision.reason });
      logLimited(`sub:${decision.reason}`, (suppressed) => logger.warn({ code: decision.reason, clientId: client.id, topic: subscription.topic, suppressed }, "subscribe refused"));
      done(null, null); // SUBACK 0x80 for this filter
    },
  });

  await broker.listen(); // aedes 1.x: persistence and mq must be ready before handling connections

  async function authenticate(client: Client, username: string | undefined, password: Buffer | undefined): Promise<AuthenticateError | null> {
    const address = (client.conn as Socket).remoteAddress ?? "unknown";
    const now = options.now();
    const refuse = (reason: string, code: 2 | 3 | 4 | 5, countFailure: boolean) => {
      metrics.authFailures.inc({ reason });
      if (countFailure) failures.set(address, recordFailure(failures.get(address), options.loginThrottle, now));
      logLimited(`auth:${reason}`, (suppressed) => logger.warn({ code: "GW_AUTH_REFUSED", reason, address, clientId: client.id, suppressed }, "connection refused"));
      return authError(reason, code);
    };
    if (isBlocked(failures.get(address), now)) return refuse("throttled", 5, false);
    if (!acceptsConnections(flow.level())) return refuse("overload", 3, false);
    const vin = options.clientCertIdentity ? certificateVin(client.conn as TLSSocket) : username;
    if (vin === undefined || !isVin(vin)) return refuse("bad_identity", 4, true);
    if (!decideClientId(vin, client.id).allowed) return refuse("client_id_mismatch", 2, true);
    if (!decideWill(vin, wills.get(client)).allowed) return refuse("will_refused", 5, true);
    if (!options.clientCertIdentity && !(await options.authenticator.authenticate(vin, password?.toString("utf8") ?? ""))) return refuse("bad_credentials", 4, true);
    if (client.closed) return authError("closed", 5);
    openSession(client, vin);
    return null;
  }

  function openSession(client: Client, vin: string): void {
    const session: Session = { vin, flow: flow.register(pausable(client)), tail: Promise.resolve(), active: 0, waiting: [] };
    sessions.set(client, session);
    byVin.set(vin, client);
    metrics.connectedVehicles.inc();
    client.conn.once("close", () => {
      flow.unregister(session.flow);
      if (byVin.get(vin) === client) byVin.delete(vin);
      metrics.connectedVehicles.dec();
    });
  }

  function authorizePublish(client: Client, topic: string, qos: number, retain: boolean, payload: Buffer | string, done: (error?: Error | null) => void): void {
    const session = sessions.get(client);
    if (!session) return done(new Error("not authenticated"));
    const decision = decidePublish(session.vin, { topic, qos, retain });
    if (!decision.allowed) {
      metrics.aclDenials.inc({ action: "publish", reason: decision.reason });
      logLimited(`pub:${decision.reason}`, (suppressed) => logger.warn({ code: decision.reason, vin: session.vin, topic, suppressed }, "publish refused; disconnecting"));
      return done(new Error(decision.reason)); // MQTT 3.1.1 has no PUBACK error code: aedes closes the connection
    }
    metrics.messagesIn.inc({ topic: decision.kind, qos: String(qos) });
    if (admitPublish(flow.level(), qos) === "shed") {
      metrics.shed.inc({ reason: "overload" });
      logLimited("shed", (suppressed) => logger.warn({ code: "GW_SHED_QOS0", suppressed }, "QoS 0 telemetry shed under overload"));
      return done(null);
    }
    const bytes = typeof payload === "string" ? Buffer.byteLength(payload) : payload.length;
    const body = typeof payload === "string" ? Buffer.from(payload) : payload;
    const started = performance.now();
    flow.begin(session.flow, bytes);
    const settle = () => {
      flow.end(session.flow, bytes);
      session.active--;
      session.waiting.shift()?.();
    };
    const start = () => {
      session.active++;
      const work = options.ingest.handle(session.vin, decision.kind, topic, body);
      const previous = session.tail;
      session.tail = work.then(
        async () => {
          await previous;
          settle();
          if (qos === 1) metrics.pubackLatency.observe((performance.now() - started) / 1000);
          done(null);
        },
        async (error: unknown) => {
          await previous;
          settle();
          const described = describeError(error);
          logLimited(`produce:${described.code}`, (suppressed) => logger.error({ ...described, vin: session.vin, qos, suppressed }, "Kafka did not acknowledge"));
          if (qos === 0) {
            metrics.shed.inc({ reason: "kafka_unavailable" });
            return done(null);
          }
          // No PUBACK: close the connection so the vehicle resends from its outgoing store after reconnecting.
          client.close();
        },
      );
    };
    if (session.active < limits.perClientInflight) start();
    else session.waiting.push(start);
  }

  return {
    broker,
    level: () => flow.level(),
    budget: () => flow.budget(),
    /** Hands one accepted socket (TCP or TLS) to aedes, after the connection-rate and overload checks. */
    handleConnection: (socket: Socket): void => {
      const verdict = takeToken(connectionBucket, options.maxConnectionsPerSecond, options.now());
      connectionBucket = verdict.bucket;
      const reason = !verdict.allowed ? "rate" : !acceptsConnections(flow.level()) ? "overload" : null;
      if (reason) {
        metrics.refused.inc({ reason });
        logLimited(`refuse:${reason}`, (suppressed) => logger.warn({ code: "GW_CONNECTION_REFUSED", reason, suppressed }, "connection refused"));
        socket.destroy();
        return;
      }
      socket.on("error", () => undefined); // aedes reports stream errors itself; avoid an unhandled 'error'
      guardPacketSize(broker.handle(socket), socket, options.maxPacketBytes, () => {
        metrics.oversizePackets.inc();
        logLimited("oversize", (suppressed) => logger.warn({ code: "GW_PACKET_TOO_LARGE", address: socket.remoteAddress, suppressed }, "packet above MAX_PACKET_BYTES"));
      });
    },
    /** Publishes QoS 1 to a vehicle's command topic; resolves once aedes has taken it (queued for offline sessions). */
    publishCommand(vin: string, payload: Buffer): Promise<void> {
      return new Promise((resolve, reject) => {
        broker.publish({ cmd: "publish", topic: otaCommandsTopic(vin), payload, qos: 1, retain: false, dup: false }, (error) => (error ? reject(error) : resolve()));
      });
    },
    /** Closes the live connection of a revoked vehicle. */
    disconnect(vin: string): boolean {
      const client = byVin.get(vin);
      client?.close();
      return client !== undefined;
    },
    close(): Promise<void> {
      return new Promise((resolve) => broker.close(() => resolve()));
    },
  };
}

export type Gateway = Awaited<ReturnType<typeof createGateway>>;

function certificateVin(socket: TLSSocket): string | undefined {
  if (typeof socket.getPeerCertificate !== "function" || !socket.authorized) return undefined;
  const cn = socket.getPeerCertificate().subject?.CN;
  return typeof cn === "string" ? cn : undefined;
}

/** Closes a connection whose next packet announces more than `maxBytes`, before the parser buffers it. */
function guardPacketSize(client: Client, socket: Socket, maxBytes: number, onViolation: () => void): void {
  const parser = (client as unknown as { _parser: { parse(buffer: Buffer): number } })._parser;
  const parse = parser.parse.bind(parser);
  let state = initialScan;
  parser.parse = (buffer: Buffer) => {
    const result = scanChunk(state, buffer, maxBytes);
    if (result.tooLarge) {
      onViolation();
      socket.destroy();
      return 0;
    }
    state = result.state;
    return parse(buffer);
  };
}

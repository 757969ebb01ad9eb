import { topics } from "../../schemas/catalog.ts";
import { describeError, FleetlineError } from "../../platform/errors.ts";
import { validateOtaStatus, validateTelemetry, type PayloadError, type PayloadResult } from "../core/payload.ts";
import type { EncodedValue, PayloadEncoder } from "../kafka/encoder.ts";
import type { RecordSink } from "../kafka/sink.ts";
import { gatewayMetrics as metrics } from "../metrics.ts";


export interface IngestOptions {
  readonly sink: RecordSink;
  readonly encoder: PayloadEncoder;
  readonly now: () => number;
  /** A produce not acknowledged within this time fails (the vehicle is disconnected and resends). */
  readonly produceTimeoutMs: number;
  /** Kafka topic names; the catalog's by default (tests use private topics). */
  readonly topics?: { readonly telemetry: string; readonly telemetryDlq: string; readonly otaStatus: string };
}

/** What happened to one message; anything else is a thrown retriable GW_PRODUCE_* error (no PUBACK). */
export type IngestOutcome = { readonly outcome: "stored" } | { readonly outcome: "dead-lettered"; readonly code: string };

/**
 * The publish path as small named steps: validate → stamp received_at → encode → produce keyed by VIN.
 * Poison goes to the DLQ with its original bytes and the reason in headers; the promise settles only when
 * Kafka has acknowledged whichever record was written.
 */
export function createIngest(options: IngestOptions) {
  const kafkaTopics = options.topics ?? topics;
  async function produce(topic: string, vin: string, value: Buffer, headers: Record<string, string>): Promise<void> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new FleetlineError("GW_PRODUCE_TIMEOUT", `no Kafka acknowledgement within ${options.produceTimeoutMs} ms`, { retriable: true })),
        options.produceTimeoutMs,
      );
    });
    try {
      await Promise.race([options.sink.produce(topic, vin, value, headers), timeout]);
      metrics.produceLatency.observe({ topic }, (performance.now() - started) / 1000);
    } catch (error) {
      const described = describeError(error);
      metrics.produceFailures.inc({ topic, code: described.code });
      throw error instanceof FleetlineError && error.code === "GW_PRODUCE_TIMEOUT"
        ? error
        : new FleetlineError("GW_PRODUCE_FAILED", `Kafka produce to ${topic} failed: ${described.message}`, { cause: error, retriable: true });
    } finally {
      clearTimeout(timer);
    }
  }

  async function deadLetter(vin: string, mqttTopic: string, payload: Buffer, error: PayloadError): Promise<IngestOutcome> {
    await produce(kafkaTopics.telemetryDlq, vin, payload, {
      "dlq.error.code": error.code,
      "dlq.error.message": error.message,
      "dlq.source.topic": mqttTopic,
      vin,
      received_at: String(options.now()),
    });
    metrics.dlqRecords.inc({ code: error.code });
    return { outcome: "dead-lettered", code: error.code };
  }

  return {
    /** Settles when Kafka has the record (or its DLQ copy); rejects with a retriable GW_PRODUCE_* error otherwise. */
    async handle(vin: string, kind: "telemetry" | "otaStatus", mqttTopic: string, payload: Buffer): Promise<IngestOutcome> {
      const receivedAt = options.now();
      const validated =
        kind === "telemetry"
          ? encodeWith(validateTelemetry(payload, vin, receivedAt), options.encoder.telemetry)
          : encodeWith(validateOtaStatus(payload, vin, receivedAt), options.encoder.otaStatus);
      if (!validated.ok) return deadLetter(vin, mqttTopic, payload, validated);
      const { encoded, eventId } = validated;
      const topic = kind === "telemetry" ? kafkaTopics.telemetry : kafkaTopics.otaStatus;
      await produce(topic, vin, encoded.value, { event_id: eventId, schema: encoded.schema });
      return { outcome: "stored" };
    },
  };
}

export type Ingest = ReturnType<typeof createIngest>;

function encodeWith<R extends { event_id: string }>(
  validated: PayloadResult<R>,
  encode: (record: R) => EncodedValue,
): ({ ok: true; encoded: EncodedValue; eventId: string }) | ({ ok: false } & PayloadError) {
  if (!validated.ok) return validated;
  try {
    return { ok: true, encoded: encode(validated.record), eventId: validated.record.event_id };
  } catch (error) {
    return { ok: false, code: "GW_PAYLOAD_INVALID", message: `encode failed: ${describeError(error).message}`.slice(0, 500) };
  }
}

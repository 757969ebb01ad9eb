import { FleetlineError } from "../errors.ts";

/** A failed or timed-out send: the records are not acknowledged, so the caller must not ack upstream. */
export function produceFailed(topic: string, cause: unknown): FleetlineError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new FleetlineError("KAFKA_PRODUCE_FAILED", `produce to ${topic} was not acknowledged: ${message}`, { cause, retriable: true });
}

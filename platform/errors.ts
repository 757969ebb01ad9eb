/**
 * Every failure the system can name carries a stable code (prefix per area: GW_, PIPE_, OTA_, SCHEMA_, KAFKA_,
 * CONFIG_, STACK_, TOPIC_), its cause, and whether retrying can help. Callers branch on `code` and `retriable`,
 * never on message text.
 */
export class FleetlineError extends Error {
  readonly code: string;
  readonly retriable: boolean;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: string,
    message: string,
    options: { cause?: unknown; retriable?: boolean; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "FleetlineError";
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.details = options.details;
  }
}

export const isFleetlineError = (error: unknown): error is FleetlineError => error instanceof FleetlineError;

/** A short, single-line description of any thrown value, for logs and DLQ headers. */
export function describeError(error: unknown): { code: string; message: string; retriable: boolean } {
  if (error instanceof FleetlineError) return { code: error.code, message: error.message, retriable: error.retriable };
  if (error instanceof Error) {
    const pgCode = (error as { code?: unknown }).code;
    return { code: typeof pgCode === "string" ? pgCode : error.name, message: error.message, retriable: false };
  }
  return { code: "UNKNOWN", message: String(error), retriable: false };
}

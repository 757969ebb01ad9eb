import { schemaError, schemaErrorCodes } from "./errors.ts";

/**
 * A small client for the Confluent Schema Registry REST API (the calls our services make). Works unchanged against
 * Confluent, Apicurio (ccompat) or Karapace. A network failure or a 5xx is SCHEMA_REGISTRY_UNAVAILABLE
 * (retriable); 404 on an id is SCHEMA_UNKNOWN_ID; 409 is SCHEMA_INCOMPATIBLE with the registry's message.
 */
export interface RegistryClient {
  register(subject: string, schema: string): Promise<number>;
  schemaById(id: number): Promise<string>;
  setCompatibility(subject: string | null, level: string): Promise<void>;
}

const contentType = "application/vnd.schemaregistry.v1+json";

export function createRegistryClient(options: {
  url: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}): RegistryClient {
  const fetchImpl = options.fetch ?? fetch;
  const base = options.url.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 5_000;

  const text = (value: unknown): string => (typeof value === "string" ? value : (JSON.stringify(value) ?? ""));

  async function call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    let response: Response;
    try {
      response = await fetchImpl(`${base}${path}`, {
        method,
        headers: { "content-type": contentType, accept: `${contentType}, application/json` },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw schemaError(schemaErrorCodes.registryUnavailable, `schema registry ${base} unreachable: ${String(error)}`, {
        cause: error,
      });
    }
    const responseText = await response.text().catch(() => "");
    let json: Record<string, unknown> = {};
    try {
      json = responseText ? (JSON.parse(responseText) as Record<string, unknown>) : {};
    } catch {
      json = { message: responseText };
    }
    if (response.status >= 500 || response.status === 429) {
      throw schemaError(
        schemaErrorCodes.registryUnavailable,
        `schema registry ${method} ${path} answered ${response.status}: ${text(json.message ?? responseText)}`,
        {
          details: { status: response.status },
        },
      );
    }
    return { status: response.status, json };
  }

  function rejected(what: string, status: number, json: Record<string, unknown>) {
    const message = `schema registry refused ${what} (${status}${json.error_code ? `/${text(json.error_code)}` : ""}): ${text(json.message ?? "")}`;
    const code =
      status === 409
        ? schemaErrorCodes.incompatible
        : status === 422
          ? schemaErrorCodes.invalidSchema
          : schemaErrorCodes.registryRejected;
    return schemaError(code, message, { details: { status, errorCode: json.error_code } });
  }

  return {
    async register(subject, schema) {
      const { status, json } = await call("POST", `/subjects/${encodeURIComponent(subject)}/versions`, { schema });
      if (status !== 200 || typeof json.id !== "number") throw rejected(`registering under ${subject}`, status, json);
      return json.id;
    },
    async schemaById(id) {
      const { status, json } = await call("GET", `/schemas/ids/${id}`);
      if (status === 404) {
        throw schemaError(schemaErrorCodes.unknownId, `schema id ${id} is not registered in ${base}`, {
          details: { schemaId: id },
        });
      }
      if (status !== 200 || typeof json.schema !== "string") throw rejected(`looking up id ${id}`, status, json);
      return json.schema;
    },
    async setCompatibility(subject, level) {
      const path = subject === null ? "/config" : `/config/${encodeURIComponent(subject)}`;
      const { status, json } = await call("PUT", path, { compatibility: level });
      if (status !== 200) throw rejected(`setting compatibility ${level} on ${subject ?? "(global)"}`, status, json);
    },
  };
}

/** The fields of Confluent's responses the tests read (a body may also be a list or a raw schema). */
export interface RegistryBody {
  id?: number;
  schema?: string;
  subject?: string;
  version?: number;
  message?: string;
  error_code?: number;
  is_compatible?: boolean;
  messages?: string[];
  compatibilityLevel?: string;
}

/** Raw Confluent REST calls for the registry tests (what any client sends). */
export function registryHttp(url: string) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; body: RegistryBody }> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { "content-type": "application/vnd.schemaregistry.v1+json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as RegistryBody };
  };
}

export type RegistryHttp = ReturnType<typeof registryHttp>;

export function fieldsOf(schema: object): { name: string; type: unknown; default?: unknown; aliases?: string[] }[] {
  return (schema as { fields: { name: string; type: unknown }[] }).fields;
}

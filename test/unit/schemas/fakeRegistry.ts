/**
 * In-memory fake of the two registry calls a serde makes (register, schema by id), as a `fetch` function, for
 * pure unit tests. Counts calls so tests can prove the caches. Integration tests use the real registry.
 */
export interface FakeRegistry {
  readonly fetch: typeof fetch;
  readonly calls: { method: string; path: string }[];
  down: boolean;
}

export function createFakeRegistry(): FakeRegistry {
  const ids = new Map<string, number>();
  const schemas = new Map<number, string>();
  const state: FakeRegistry = {
    calls: [],
    down: false,
    fetch: async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
      const method = init?.method ?? "GET";
      state.calls.push({ method, path: url.pathname });
      await Promise.resolve();
      if (state.down) throw new TypeError("fetch failed: ECONNREFUSED");
      const register = /^\/subjects\/[^/]+\/versions$/.exec(url.pathname);
      if (method === "POST" && register) {
        const { schema } = JSON.parse(init?.body as string) as { schema: string };
        const canonical = JSON.stringify(JSON.parse(schema));
        const id = ids.get(canonical) ?? ids.size + 1;
        ids.set(canonical, id);
        schemas.set(id, schema);
        return Response.json({ id });
      }
      const byId = /^\/schemas\/ids\/(\d+)$/.exec(url.pathname);
      if (method === "GET" && byId) {
        const schema = schemas.get(Number(byId[1]));
        return schema === undefined
          ? Response.json({ error_code: 40403, message: "Schema not found" }, { status: 404 })
          : Response.json({ schema });
      }
      return Response.json({ error_code: 404, message: "not faked" }, { status: 404 });
    },
  };
  return state;
}

import type { FastifyInstance } from "fastify";
import type { Logger } from "../../platform/log.ts";
import type { CompatibilityLevel } from "../catalog.ts";
import { checkCompatibility, describeConflicts, isCompatibilityLevel, parseType } from "../compatibility/check.ts";
import { canonicalSchema, schemaFingerprint } from "./canonical.ts";
import { httpErrors } from "./httpErrors.ts";
import { defaultCompatibility, type RegistryStore, type StoredVersion } from "./postgresRegistryStore.ts";

type Params = { subject: string; version: string; id: string };
type SchemaBody = { schema?: unknown; schemaType?: unknown; references?: unknown } | undefined;

/** The Confluent Schema Registry REST calls clients use (Avro only), over the PostgreSQL store. */
export function registryRoutes(app: FastifyInstance, store: RegistryStore, logger?: Logger): void {
  const effectiveLevel = async (subject: string): Promise<CompatibilityLevel> =>
    (await store.level(subject)) ?? (await store.level(null)) ?? defaultCompatibility;

  app.get("/", () => ({}));
  app.get("/schemas/types", () => ["AVRO"]);

  app.get<{ Params: Params }>("/schemas/ids/:id", async (request) => {
    const schema = await store.schemaById(schemaId(request.params.id));
    if (schema === null) throw httpErrors.schemaNotFound(`Schema ${request.params.id}`);
    return { schema };
  });

  app.get<{ Params: Params }>("/schemas/ids/:id/versions", async (request) =>
    store.subjectsOfId(schemaId(request.params.id)),
  );

  app.get("/subjects", () => store.subjects());

  app.get<{ Params: Params }>("/subjects/:subject/versions", async (request) =>
    (await existingVersions(request.params.subject)).map((version) => version.version),
  );

  app.get<{ Params: Params }>("/subjects/:subject/versions/:version", async (request) =>
    view(await versionOf(request.params.subject, request.params.version)),
  );

  app.get<{ Params: Params }>("/subjects/:subject/versions/:version/schema", async (request, reply) =>
    reply.type("application/json").send((await versionOf(request.params.subject, request.params.version)).schema),
  );

  app.post<{ Params: Params; Body: SchemaBody }>("/subjects/:subject/versions", async (request) => {
    const { subject } = request.params;
    const { text, fingerprint, type } = parseBody(request.body);
    const stored = await store.register(subject, fingerprint, text, (previous, level) => {
      const conflicts = checkCompatibility(
        level,
        type,
        previous.map((version) => parseType(version.schema)),
      );
      if (conflicts.length === 0) return null;
      const message = describeConflicts(subject, level, conflicts);
      logger?.warn(
        {
          code: "SCHEMA_INCOMPATIBLE",
          subject,
          level,
          rules: conflicts.flatMap((c) => c.issues.map((i) => `${i.rule} ${i.path}`)),
        },
        "schema refused",
      );
      return httpErrors.incompatible(message);
    });
    logger?.info({ subject, id: stored.id, version: stored.version }, "schema registered");
    return { id: stored.id };
  });

  app.post<{ Params: Params; Body: SchemaBody }>("/subjects/:subject", async (request) => {
    const { subject } = request.params;
    const { fingerprint } = parseBody(request.body);
    await existingVersions(subject);
    const found = await store.findByFingerprint(subject, fingerprint);
    if (found === null) throw httpErrors.schemaNotFound();
    return view(found);
  });

  app.post<{ Params: Params; Body: SchemaBody; Querystring: { verbose?: string } }>(
    "/compatibility/subjects/:subject/versions/:version",
    async (request) => {
      const { subject } = request.params;
      const { type } = parseBody(request.body);
      const target = await versionOf(subject, request.params.version);
      const level = await effectiveLevel(subject);
      // Against one given version, only the direction(s) of the level matter, not transitivity.
      const conflicts = checkCompatibility(level.replace("_TRANSITIVE", "") as CompatibilityLevel, type, [
        parseType(target.schema),
      ]);
      return verdict(subject, level, conflicts, request.query.verbose === "true");
    },
  );

  app.post<{ Params: Params; Body: SchemaBody; Querystring: { verbose?: string } }>(
    "/compatibility/subjects/:subject/versions",
    async (request) => {
      const { subject } = request.params;
      const { type } = parseBody(request.body);
      const level = await effectiveLevel(subject);
      const previous = (await store.versions(subject)).map((version) => parseType(version.schema));
      return verdict(subject, level, checkCompatibility(level, type, previous), request.query.verbose === "true");
    },
  );

  app.get("/config", async () => ({ compatibilityLevel: (await store.level(null)) ?? defaultCompatibility }));
  app.put<{ Body: { compatibility?: unknown } | undefined }>("/config", async (request) => {
    const level = requireLevel(request.body?.compatibility);
    await store.setLevel(null, level);
    return { compatibility: level };
  });
  app.get<{ Params: Params; Querystring: { defaultToGlobal?: string } }>("/config/:subject", async (request) => {
    const level = await store.level(request.params.subject);
    if (level !== null) return { compatibilityLevel: level };
    if (request.query.defaultToGlobal === "true")
      return { compatibilityLevel: await effectiveLevel(request.params.subject) };
    throw httpErrors.subjectLevelNotConfigured(request.params.subject);
  });
  app.put<{ Params: Params; Body: { compatibility?: unknown } | undefined }>("/config/:subject", async (request) => {
    const level = requireLevel(request.body?.compatibility);
    await store.setLevel(request.params.subject, level);
    return { compatibility: level };
  });
  app.delete<{ Params: Params }>("/config/:subject", async (request) => {
    const level = await store.level(request.params.subject);
    if (level === null) throw httpErrors.subjectLevelNotConfigured(request.params.subject);
    await store.deleteLevel(request.params.subject);
    return { compatibilityLevel: level };
  });

  async function existingVersions(subject: string): Promise<StoredVersion[]> {
    const versions = await store.versions(subject);
    if (versions.length === 0) throw httpErrors.subjectNotFound(subject);
    return versions;
  }

  async function versionOf(subject: string, version: string): Promise<StoredVersion> {
    const versions = await existingVersions(subject);
    if (version === "latest" || version === "-1") return versions.at(-1) as StoredVersion;
    if (!/^\d+$/.test(version) || Number(version) < 1 || Number(version) > 2 ** 31 - 1)
      throw httpErrors.invalidVersion(version);
    const found = versions.find((entry) => entry.version === Number(version));
    if (!found) throw httpErrors.versionNotFound(version);
    return found;
  }
}

function view(version: StoredVersion) {
  return { subject: version.subject, id: version.id, version: version.version, schema: version.schema };
}

function schemaId(raw: string): number {
  if (!/^\d{1,10}$/.test(raw)) throw httpErrors.schemaNotFound(`Schema ${raw}`);
  return Number(raw);
}

function requireLevel(value: unknown): CompatibilityLevel {
  const upper = typeof value === "string" ? value.toUpperCase() : value;
  if (!isCompatibilityLevel(upper)) throw httpErrors.invalidCompatibility(value);
  return upper;
}

function parseBody(body: SchemaBody) {
  if (typeof body?.schema !== "string")
    throw httpErrors.invalidSchema("the request body needs a string field 'schema'");
  if (body.schemaType !== undefined && body.schemaType !== "AVRO")
    throw httpErrors.invalidSchema(`schemaType ${JSON.stringify(body.schemaType)} is not supported (AVRO only)`);
  if (Array.isArray(body.references) && body.references.length > 0)
    throw httpErrors.invalidSchema("schema references are not supported");
  try {
    const type = parseType(body.schema);
    const canonical = canonicalSchema(body.schema);
    return { text: body.schema, canonical, fingerprint: schemaFingerprint(canonical), type };
  } catch (error) {
    throw httpErrors.invalidSchema(error instanceof Error ? error.message : String(error));
  }
}

function verdict(
  subject: string,
  level: CompatibilityLevel,
  conflicts: ReturnType<typeof checkCompatibility>,
  verbose: boolean,
) {
  if (conflicts.length === 0) return verbose ? { is_compatible: true, messages: [] } : { is_compatible: true };
  return verbose
    ? { is_compatible: false, messages: [describeConflicts(subject, level, conflicts)] }
    : { is_compatible: false };
}

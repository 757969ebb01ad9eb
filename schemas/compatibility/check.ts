import avro, { type Type } from "avsc";
import type { CompatibilityLevel } from "../catalog.ts";
import { explainIncompatibility, type CompatibilityIssue } from "./explain.ts";

export const compatibilityLevels: readonly CompatibilityLevel[] = [
  "NONE",
  "BACKWARD",
  "BACKWARD_TRANSITIVE",
  "FORWARD",
  "FORWARD_TRANSITIVE",
  "FULL",
  "FULL_TRANSITIVE",
];

export const isCompatibilityLevel = (value: unknown): value is CompatibilityLevel =>
  typeof value === "string" && (compatibilityLevels as readonly string[]).includes(value);

/** avsc parse options for every Type the schemas module builds (long as JS number, no logical types); fresh
 * each time because avsc stores named types in the options object. */
const typeOptions = () => ({ wrapUnions: "auto" as const });

export function parseType(schema: object | string): Type {
  const parsed = typeof schema === "string" ? (JSON.parse(schema) as object) : schema;
  return avro.Type.forSchema(parsed as Parameters<typeof avro.Type.forSchema>[0], typeOptions());
}

/** Pure: can `reader` decode data written with `writer`? avsc's resolver decides; the issues explain a refusal. */
export function canReadWith(reader: Type, writer: Type): { compatible: boolean; issues: CompatibilityIssue[] } {
  try {
    reader.createResolver(writer);
    return { compatible: true, issues: [] };
  } catch (error) {
    const issues = explainIncompatibility(reader, writer);
    if (issues.length > 0) return { compatible: false, issues };
    const message = error instanceof Error ? error.message : String(error);
    return { compatible: false, issues: [{ rule: "TYPE_MISMATCH", path: "/", message }] };
  }
}

export interface VersionConflict {
  /** 1-based position in `previous` (the subject's version number when previous holds all versions). */
  readonly version: number;
  /** "new reads old" = the new schema as reader (BACKWARD); "old reads new" = FORWARD. */
  readonly direction: "new reads old" | "old reads new";
  readonly issues: readonly CompatibilityIssue[];
}

/**
 * Pure: checks a candidate against earlier versions (oldest first) under a level, as Confluent does:
 * non-transitive levels compare with the latest version only, transitive ones with all.
 */
export function checkCompatibility(
  level: CompatibilityLevel,
  candidate: Type,
  previous: readonly Type[],
): VersionConflict[] {
  if (level === "NONE" || previous.length === 0) return [];
  const transitive = level.endsWith("_TRANSITIVE");
  const backward = level.startsWith("BACKWARD") || level.startsWith("FULL");
  const forward = level.startsWith("FORWARD") || level.startsWith("FULL");
  const firstIndex = transitive ? 0 : previous.length - 1;
  const conflicts: VersionConflict[] = [];
  for (let index = firstIndex; index < previous.length; index++) {
    const old = previous[index];
    if (old === undefined) continue;
    if (backward) {
      const result = canReadWith(candidate, old);
      if (!result.compatible) conflicts.push({ version: index + 1, direction: "new reads old", issues: result.issues });
    }
    if (forward) {
      const result = canReadWith(old, candidate);
      if (!result.compatible) conflicts.push({ version: index + 1, direction: "old reads new", issues: result.issues });
    }
  }
  return conflicts;
}

/** One line per issue, Confluent style: names the rule, the field path, the version and the level. */
export function describeConflicts(
  subject: string,
  level: CompatibilityLevel,
  conflicts: readonly VersionConflict[],
): string {
  const details = conflicts.flatMap((conflict) =>
    conflict.issues.map(
      (issue) =>
        `{errorType:'${issue.rule}', description:'${issue.message}', field:'${issue.path}', oldSchemaVersion:${conflict.version}, direction:'${conflict.direction}'}`,
    ),
  );
  return `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${details.join(", ")}, {compatibility: '${level}'}]`;
}

import type { Type } from "avsc";

/**
 * Pure: explains why a reader schema cannot read data written with a writer schema, naming the field path and
 * the rule broken, with Confluent's errorType names. avsc's resolver stays the arbiter (see check.ts); this
 * walk only produces the words.
 */
export type CompatibilityRule =
  | "READER_FIELD_MISSING_DEFAULT_VALUE"
  | "TYPE_MISMATCH"
  | "NAME_MISMATCH"
  | "MISSING_ENUM_SYMBOLS"
  | "MISSING_UNION_BRANCH"
  | "FIXED_SIZE_MISMATCH";

export interface CompatibilityIssue {
  readonly rule: CompatibilityRule;
  /** JSON-pointer-like path of field names from the top-level record, e.g. "/manifest/version". */
  readonly path: string;
  readonly message: string;
}

interface AnyType {
  readonly typeName: string;
  readonly name?: string;
  readonly aliases?: string[];
  readonly fields?: { name: string; aliases: string[]; type: AnyType; defaultValue(): unknown }[];
  readonly symbols?: string[];
  readonly default?: unknown;
  readonly types?: AnyType[];
  readonly itemsType?: AnyType;
  readonly valuesType?: AnyType;
  readonly size?: number;
  readonly underlyingType?: AnyType;
}

const promotions: Record<string, readonly string[]> = {
  int: ["int"],
  long: ["int", "long"],
  float: ["int", "long", "float"],
  double: ["int", "long", "float", "double"],
  string: ["string", "bytes"],
  bytes: ["bytes", "string"],
};

export function explainIncompatibility(reader: Type, writer: Type): CompatibilityIssue[] {
  const issues: CompatibilityIssue[] = [];
  walk(reader, writer, "", issues, new Set());
  return issues;
}

function base(type: AnyType): AnyType {
  return type.typeName.startsWith("logical:") && type.underlyingType ? type.underlyingType : type;
}

function label(type: AnyType): string {
  return type.name ?? type.typeName;
}

function nameMatches(reader: AnyType, writer: AnyType): boolean {
  const short = (name: string | undefined) => name?.split(".").pop();
  const names = [reader.name, ...(reader.aliases ?? [])];
  return names.some((name) => name === writer.name || short(name) === short(writer.name));
}

function canRead(reader: AnyType, writer: AnyType): boolean {
  try {
    (reader as unknown as Type).createResolver(writer as unknown as Type);
    return true;
  } catch {
    return false;
  }
}

function walk(
  readerIn: AnyType,
  writerIn: AnyType,
  path: string,
  issues: CompatibilityIssue[],
  seen: Set<string>,
): void {
  const reader = base(readerIn);
  const writer = base(writerIn);
  const at = path || "/";
  if (writer.typeName.startsWith("union")) {
    for (const branch of writer.types ?? []) walk(reader, branch, path, issues, seen);
    return;
  }
  if (reader.typeName.startsWith("union")) {
    const branches = reader.types ?? [];
    if (branches.some((branch) => canRead(branch, writer))) return;
    const sameKind = branches.find((branch) => base(branch).typeName === writer.typeName);
    if (sameKind) return walk(sameKind, writer, path, issues, seen);
    issues.push({
      rule: "MISSING_UNION_BRANCH",
      path: at,
      message: `the union at '${at}' in the reader has no branch that can read the writer's ${label(writer)}`,
    });
    return;
  }
  if (reader.typeName !== writer.typeName && !(promotions[reader.typeName] ?? []).includes(writer.typeName)) {
    issues.push({
      rule: "TYPE_MISMATCH",
      path: at,
      message: `the type at '${at}' is ${label(reader)} in the reader but ${label(writer)} in the writer`,
    });
    return;
  }
  switch (reader.typeName) {
    case "record":
    case "error":
      return walkRecord(reader, writer, path, issues, seen);
    case "enum": {
      if (!nameMatches(reader, writer)) return nameMismatch(reader, writer, at, issues);
      const missing = (writer.symbols ?? []).filter((symbol) => !(reader.symbols ?? []).includes(symbol));
      if (missing.length > 0 && reader.default === undefined) {
        issues.push({
          rule: "MISSING_ENUM_SYMBOLS",
          path: at,
          message: `the enum ${label(reader)} at '${at}' in the reader lacks the writer's symbols [${missing.join(", ")}] and has no default`,
        });
      }
      return;
    }
    case "fixed":
      if (!nameMatches(reader, writer)) return nameMismatch(reader, writer, at, issues);
      if (reader.size !== writer.size) {
        issues.push({
          rule: "FIXED_SIZE_MISMATCH",
          path: at,
          message: `the fixed ${label(reader)} at '${at}' has size ${reader.size} in the reader but ${writer.size} in the writer`,
        });
      }
      return;
    case "array":
      if (reader.itemsType && writer.itemsType) walk(reader.itemsType, writer.itemsType, `${path}/items`, issues, seen);
      return;
    case "map":
      if (reader.valuesType && writer.valuesType)
        walk(reader.valuesType, writer.valuesType, `${path}/values`, issues, seen);
      return;
    default:
      return;
  }
}

function nameMismatch(reader: AnyType, writer: AnyType, at: string, issues: CompatibilityIssue[]): void {
  issues.push({
    rule: "NAME_MISMATCH",
    path: at,
    message: `the type at '${at}' is named ${label(reader)} in the reader but ${label(writer)} in the writer (and no alias matches)`,
  });
}

function walkRecord(
  reader: AnyType,
  writer: AnyType,
  path: string,
  issues: CompatibilityIssue[],
  seen: Set<string>,
): void {
  const key = `${reader.name}:${writer.name}`;
  if (seen.has(key)) return;
  seen.add(key);
  if (!nameMatches(reader, writer)) return nameMismatch(reader, writer, path || "/", issues);
  const writerFields = new Map((writer.fields ?? []).map((field) => [field.name, field]));
  for (const field of reader.fields ?? []) {
    const match = [field.name, ...field.aliases]
      .map((name) => writerFields.get(name))
      .find((found) => found !== undefined);
    const fieldPath = `${path}/${field.name}`;
    if (match) {
      walk(field.type, match.type, fieldPath, issues, seen);
    } else if (field.defaultValue() === undefined) {
      issues.push({
        rule: "READER_FIELD_MISSING_DEFAULT_VALUE",
        path: fieldPath,
        message: `the field '${field.name}' at '${fieldPath}' is in the reader without a default value and is missing in the writer (removed, renamed without an alias, or added without a default)`,
      });
    }
  }
}

import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";
import { readSchemaFile, schemaFiles } from "../files.ts";
import { generateTypes } from "./generateTypes.ts";

/** Regenerates schemas/types.generated.ts from the .avsc files; `--check` only reports drift (exit 1). */
export const generatedTypesPath = new URL("../types.generated.ts", import.meta.url);

/** The file as the generator makes it now, formatted with the project's prettier config (so `format` keeps it). */
export async function currentGeneratedTypes(): Promise<string> {
  const source = generateTypes(schemaFiles.map((entry) => ({ ...entry, schema: readSchemaFile(entry.file) })));
  const filepath = fileURLToPath(generatedTypesPath);
  return format(source, { ...(await resolveConfig(filepath)), filepath });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const fresh = await currentGeneratedTypes();
  if (process.argv.includes("--check")) {
    const onDisk = readFileSync(generatedTypesPath, "utf8");
    if (onDisk !== fresh) {
      process.stderr.write("schemas/types.generated.ts is out of date: run `npx tsx schemas/codegen/main.ts`\n");
      process.exit(1);
    }
  } else {
    writeFileSync(generatedTypesPath, fresh);
    process.stdout.write("wrote schemas/types.generated.ts\n");
  }
}

import { readFileSync } from "node:fs";
import { subjects } from "../catalog.ts";
import { currentGeneratedTypes, generatedTypesPath } from "../codegen/main.ts";
import { consumerContracts } from "./consumers.ts";
import { verifyContracts } from "./verify.ts";

/** `npm run schemas:check` (CI): exits 1 with a readable report when a version or a consumer contract breaks. */
const report = verifyContracts(subjects, consumerContracts);
const typesFresh = readFileSync(generatedTypesPath, "utf8") === (await currentGeneratedTypes());
process.stdout.write(`${report.lines.join("\n")}\n`);
process.stdout.write(
  typesFresh
    ? "✓ schemas/types.generated.ts matches the .avsc files\n\n"
    : "✗ schemas/types.generated.ts is stale: run `npx tsx schemas/codegen/main.ts`\n\n",
);
if (report.ok && typesFresh) {
  process.stdout.write(
    `schemas:check passed: ${Object.keys(subjects).length} subjects, ${consumerContracts.length} consumer contracts\n`,
  );
} else {
  process.stderr.write(
    `schemas:check FAILED: ${report.failures + (typesFresh ? 0 : 1)} check(s) broken (see ✗ above)\n`,
  );
  process.exit(1);
}

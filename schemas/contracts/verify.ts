import type { SubjectEntry } from "../catalog.ts";
import { canReadWith, checkCompatibility, parseType } from "../compatibility/check.ts";
import type { ConsumerContract } from "./consumers.ts";

export interface ContractReport {
  readonly ok: boolean;
  /** Human-readable lines, one per check, failures with the field and rule. */
  readonly lines: readonly string[];
  readonly failures: number;
}

/**
 * Pure: for every subject, each version is compatible under the subject's level with all earlier versions, and
 * every consumer contract on it can read every producer version.
 */
export function verifyContracts(
  subjects: Readonly<Record<string, SubjectEntry>>,
  contracts: readonly ConsumerContract[],
): ContractReport {
  const lines: string[] = [];
  let failures = 0;
  const fail = (line: string, details: string[]) => {
    failures += 1;
    lines.push(`✗ ${line}`, ...details.map((detail) => `    ${detail}`));
  };

  for (const [subject, entry] of Object.entries(subjects)) {
    const types = entry.versions.map((schema) => parseType(schema));
    types.forEach((type, index) => {
      const conflicts = checkCompatibility(entry.compatibility, type, types.slice(0, index));
      const what = `${subject} v${index + 1} is ${entry.compatibility}-compatible with v1..v${index}`;
      if (index === 0) lines.push(`✓ ${subject} v1 (first version, level ${entry.compatibility})`);
      else if (conflicts.length === 0) lines.push(`✓ ${what}`);
      else
        fail(
          what,
          conflicts.flatMap((conflict) =>
            conflict.issues.map(
              (issue) =>
                `v${conflict.version} (${conflict.direction}): ${issue.rule} at ${issue.path}: ${issue.message}`,
            ),
          ),
        );
    });
  }

  for (const contract of contracts) {
    const entry = subjects[contract.subject];
    if (entry === undefined) {
      fail(`${contract.consumer} reads ${contract.subject}`, ["no such subject in schemas/catalog.ts"]);
      continue;
    }
    const reader = parseType(contract.readerSchema);
    entry.versions.forEach((schema, index) => {
      const result = canReadWith(reader, parseType(schema));
      const what = `${contract.consumer} can read ${contract.subject} v${index + 1}`;
      if (result.compatible) lines.push(`✓ ${what}`);
      else
        fail(
          what,
          result.issues.map((issue) => `${issue.rule} at ${issue.path}: ${issue.message}`),
        );
    });
  }
  return { ok: failures === 0, lines, failures };
}

import { defineConfig } from "vitest/config";

// Three suites that can run apart (`npm run test:unit|test:integration|test:failure`); `npm test` runs all,
// in order: unit first, then integration, then the failure tests that kill brokers and processes (alone, one
// file at a time, so a killed broker never surprises an unrelated test).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/support/globalStack.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: "failure",
          include: ["test/failure/**/*.test.ts"],
          globalSetup: ["test/support/globalStack.ts"],
          testTimeout: 300_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});

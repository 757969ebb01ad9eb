import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { FleetlineError } from "../platform/errors.ts";
import { kafkaLibDir, pomFile } from "./paths.ts";

export function hasKafkaJars(): boolean {
  return existsSync(kafkaLibDir) && readdirSync(kafkaLibDir).some((file) => /^kafka_2\.13-.*\.jar$/.test(file));
}

export function assertJava(): void {
  const java = spawnSync("java", ["-version"], { encoding: "utf8" });
  if (java.error || java.status !== 0) {
    throw new FleetlineError(
      "STACK_JAVA_MISSING",
      "Java 17+ is required to run Kafka locally but `java` was not found on PATH.\n" +
        "  Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless    macOS: brew install openjdk@17\n" +
        "  Or use Docker: docker compose up (see README).",
    );
  }
}

/** Copies the Kafka broker and tools jars from Maven Central (cached in ~/.m2) into .stack/kafka-lib. */
export function ensureKafkaJars(log: (line: string) => void): void {
  if (hasKafkaJars()) return;
  const mvnVersion = spawnSync("mvn", ["-v"], { encoding: "utf8" });
  if (mvnVersion.error || mvnVersion.status !== 0) {
    throw new FleetlineError(
      "STACK_MAVEN_MISSING",
      "Maven is required once, to fetch the Kafka jars from Maven Central, but `mvn` was not found on PATH.\n" +
        "  Debian/Ubuntu: apt-get install -y maven    macOS: brew install maven",
    );
  }
  log("fetching Kafka jars from Maven Central (first run only, ~100 MB, cached in ~/.m2)…");
  const args = ["-q", "-B", "-f", pomFile, "dependency:copy-dependencies", "-DincludeScope=runtime", `-DoutputDirectory=${kafkaLibDir}`];
  const result = spawnSync("mvn", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (result.status !== 0 || !hasKafkaJars()) {
    throw new FleetlineError("STACK_JARS_FAILED", `mvn failed to fetch the Kafka jars:\n${(result.stdout + result.stderr).slice(-2000)}`);
  }
}

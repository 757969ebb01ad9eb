import { fileURLToPath } from "node:url";
import path from "node:path";

/** The project root and the ignored, project-local folder that holds jars, broker data and logs. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const stackRoot = path.join(projectRoot, ".stack");
export const kafkaLibDir = path.join(stackRoot, "kafka-lib");
export const pomFile = path.join(projectRoot, "stack", "pom.xml");

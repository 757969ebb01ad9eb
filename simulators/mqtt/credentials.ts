import { readFile } from "node:fs/promises";
import { z } from "zod";
import { FleetlineError } from "../../platform/errors.ts";
import { VIN_PATTERN } from "../core/vin.ts";

/** The format `fleet provision --out` writes: one entry per vehicle, username = VIN, password = secret. */
export const credentialsFileSchema = z
  .array(z.object({ vin: z.string().regex(VIN_PATTERN, "expected a 17-character VIN"), secret: z.string().min(1) }))
  .min(1, "expected at least one vehicle");
export type VehicleCredential = z.infer<typeof credentialsFileSchema>[number];

export async function loadCredentials(path: string): Promise<VehicleCredential[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new FleetlineError("SIM_CREDENTIALS_UNREADABLE", `cannot read credentials file ${path}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new FleetlineError("SIM_CREDENTIALS_INVALID", `${path} is not JSON`, { cause: error });
  }
  const result = credentialsFileSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new FleetlineError("SIM_CREDENTIALS_INVALID", `${path}: ${issue?.path.join(".") ?? ""} ${issue?.message ?? "invalid"}`);
  }
  return result.data;
}

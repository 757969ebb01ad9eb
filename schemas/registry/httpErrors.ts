/** Confluent's error body: { error_code, message }, with its 5-digit codes (HTTP status × 100 + detail). */
export class RegistryHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const httpErrors = {
  subjectNotFound: (subject: string) => new RegistryHttpError(404, 40401, `Subject '${subject}' not found.`),
  versionNotFound: (version: string) => new RegistryHttpError(404, 40402, `Version ${version} not found.`),
  schemaNotFound: (what = "Schema") => new RegistryHttpError(404, 40403, `${what} not found`),
  subjectLevelNotConfigured: (subject: string) =>
    new RegistryHttpError(404, 40408, `Subject '${subject}' does not have subject-level compatibility configured`),
  invalidSchema: (detail: string) => new RegistryHttpError(422, 42201, `Invalid schema: ${detail}`),
  invalidVersion: (version: string) =>
    new RegistryHttpError(
      422,
      42202,
      `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
    ),
  invalidCompatibility: (level: unknown) =>
    new RegistryHttpError(
      422,
      42203,
      `Invalid compatibility level ${JSON.stringify(level)}. Valid values are NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE`,
    ),
  incompatible: (message: string) => new RegistryHttpError(409, 409, message),
};

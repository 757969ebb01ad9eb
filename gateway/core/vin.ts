/** A VIN per the shared contract: 17 characters of [A-HJ-NPR-Z0-9] (no I, O or Q). */
export const VIN_PATTERN = /^[A-HJ-NPR-Z0-9]{17}$/;

export const isVin = (value: string): boolean => VIN_PATTERN.test(value);

const VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";

/** Builds a syntactically valid VIN from random bytes (≥ 17); the check digit is not enforced by the contract. */
export function vinFromBytes(bytes: Uint8Array): string {
  let vin = "";
  for (let i = 0; i < 17; i++) vin += VIN_ALPHABET[(bytes[i] ?? 0) % VIN_ALPHABET.length];
  return vin;
}

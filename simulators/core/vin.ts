import { integer, pick, type Random } from "./rng.ts";

/** VIN alphabet: digits and capitals without I, O, Q (ISO 3779). */
export const VIN_PATTERN = /^[A-HJ-NPR-Z0-9]{17}$/;
const ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
const YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789";
const MANUFACTURERS = ["WVW", "WBA", "1FT", "5YJ", "JTD", "YV1", "KMH", "VF1", "SAL", "3VW"] as const;
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2] as const;

function transliterate(char: string): number {
  if (char >= "0" && char <= "9") return Number(char);
  const values: Record<string, number> = {
    A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8, J: 1, K: 2, L: 3, M: 4, N: 5,
    P: 7, R: 9, S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9,
  };
  const value = values[char];
  if (value === undefined) throw new RangeError(`not a VIN character: ${char}`);
  return value;
}

/** The North-American check digit (position 9): weighted sum mod 11, 10 written as X. */
export function vinCheckDigit(vin: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += transliterate(vin[i] ?? "0") * (WEIGHTS[i] ?? 0);
  const remainder = sum % 11;
  return remainder === 10 ? "X" : String(remainder);
}

export function isValidVin(vin: string): boolean {
  return VIN_PATTERN.test(vin) && vin[8] === vinCheckDigit(vin);
}

/** A valid 17-character VIN with a correct check digit, drawn from `random`. */
export function generateVin(random: Random): string {
  const chars = () => pick(random, [...ALPHABET]);
  const vds = Array.from({ length: 5 }, chars).join("");
  const plant = chars();
  const serial = String(integer(random, 0, 999_999)).padStart(6, "0");
  const draft = `${pick(random, MANUFACTURERS)}${vds}0${pick(random, [...YEAR_CODES])}${plant}${serial}`;
  return `${draft.slice(0, 8)}${vinCheckDigit(draft)}${draft.slice(9)}`;
}

/** `count` distinct VINs for a fleet, reproducible from `random`. */
export function generateFleetVins(random: Random, count: number): string[] {
  const vins = new Set<string>();
  while (vins.size < count) vins.add(generateVin(random));
  return [...vins];
}

/**
 * Seeded pseudo-random numbers (sfc32 seeded by a cyrb128 string hash). Pure and reproducible: the same seed string
 * gives the same sequence on every platform, so a simulation seed reproduces every payload and every misbehaviour.
 */
export type Random = () => number;

/** A generator of floats in [0, 1) for `seed`; derive independent streams with distinct labels (`${seed}:ids`). */
export function createRandom(seed: string): Random {
  let [a, b, c, d] = cyrb128(seed);
  const random = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) random(); // warm up: decorrelates similar seeds
  return random;
}

function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0];
}

export const uniform = (random: Random, min: number, max: number): number => min + random() * (max - min);

export const chance = (random: Random, probability: number): boolean => random() < probability;

export function integer(random: Random, minInclusive: number, maxInclusive: number): number {
  return minInclusive + Math.floor(random() * (maxInclusive - minInclusive + 1));
}

export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new RangeError("pick from an empty list");
  return item;
}

/** Exponentially distributed with the given mean (memoryless waits: outages, fault onsets). */
export const exponential = (random: Random, mean: number): number => -Math.log(1 - random()) * mean;

/** Approximately normal (Box–Muller), for sensor noise. */
export function gaussian(random: Random, mean: number, stdDev: number): number {
  const u = 1 - random();
  const v = random();
  return mean + stdDev * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

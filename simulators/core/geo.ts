/** Small-distance geodesy: good to centimetres over the few hundred metres a vehicle moves between samples. */
const METRES_PER_DEGREE_LAT = 111_320;

export interface Position {
  readonly latitude: number;
  readonly longitude: number;
}

/** Moves `distanceM` metres from `from` along `headingDeg` (0 = north, 90 = east). */
export function advance(from: Position, headingDeg: number, distanceM: number): Position {
  const radians = (headingDeg * Math.PI) / 180;
  const latitude = clamp(from.latitude + (distanceM * Math.cos(radians)) / METRES_PER_DEGREE_LAT, -85, 85);
  const metresPerDegreeLon = METRES_PER_DEGREE_LAT * Math.cos((from.latitude * Math.PI) / 180);
  const longitude = wrapLongitude(from.longitude + (distanceM * Math.sin(radians)) / metresPerDegreeLon);
  return { latitude, longitude };
}

/** Distance in metres and initial heading in degrees from `a` to `b` (equirectangular approximation). */
export function displacement(a: Position, b: Position): { distanceM: number; headingDeg: number } {
  const north = (b.latitude - a.latitude) * METRES_PER_DEGREE_LAT;
  const east = wrapLongitude(b.longitude - a.longitude) * METRES_PER_DEGREE_LAT * Math.cos((a.latitude * Math.PI) / 180);
  return { distanceM: Math.hypot(north, east), headingDeg: normaliseHeading((Math.atan2(east, north) * 180) / Math.PI) };
}

export const normaliseHeading = (degrees: number): number => ((degrees % 360) + 360) % 360;

/** Signed smallest turn from `from` to `to`, in (−180, 180]. */
export function headingDelta(from: number, to: number): number {
  const delta = normaliseHeading(to - from);
  return delta > 180 ? delta - 360 : delta;
}

export const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

function wrapLongitude(longitude: number): number {
  return ((((longitude + 180) % 360) + 360) % 360) - 180;
}

import type * as S2 from 'nodes2ts';
import type { S2CellId } from 'nodes2ts';
import { createRequire } from 'node:module';
import { defineScalar } from '../../src/udf/api.js';

// Dagger's constants: surface area of the earth in km², spread over the unit sphere's 4π steradians.
const EARTH_AREA_KM2 = 510072000;
const KM2_PER_STERADIAN = EARTH_AREA_KM2 / (4 * Math.PI);
const UINT64 = 1n << 64n;

// nodes2ts is required on the first call of an S2 function: every job registers this library, few call it.
const require = createRequire(import.meta.url);
let s2Lib: typeof S2 | undefined;
const s2 = (): typeof S2 => (s2Lib ??= require('nodes2ts') as typeof S2);

type Vec = readonly [number, number, number];
const dot = (a: Vec, b: Vec): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec, b: Vec): Vec => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const unit = (a: Vec): Vec => {
  const n = Math.hypot(a[0], a[1], a[2]);
  return [a[0] / n, a[1] / n, a[2] / n];
};

/** Solid angle of the spherical triangle abc (Van Oosterom & Strackee), accurate for tiny cells too. */
function triangleArea(a: Vec, b: Vec, c: Vec): number {
  const num = Math.abs(dot(a, cross(b, c)));
  const den = 1 + dot(a, b) + dot(b, c) + dot(c, a);
  return 2 * Math.atan2(num, den);
}

/** Parse a decimal cell id as Java prints it (a signed 64-bit long) or unsigned; undefined if invalid. */
export function parseCellId(text: string): S2CellId | undefined {
  if (!/^-?\d+$/.test(text.trim())) return undefined;
  let v = BigInt(text.trim());
  if (v < 0n) v += UINT64;
  if (v <= 0n || v >= UINT64) return undefined;
  const id = new (s2().S2CellId)(v);
  return id.isValid() ? id : undefined;
}

/** Exact area of an S2 cell on the unit sphere: the two triangles of its (geodesic) quadrilateral. */
export function cellAreaSteradians(id: S2CellId): number {
  const cell = new (s2().S2Cell)(id);
  const v = [0, 1, 2, 3].map((i) => {
    const p = cell.getVertex(i);
    return unit([p.x, p.y, p.z]);
  }) as Vec[];
  return triangleArea(v[0]!, v[1]!, v[2]!) + triangleArea(v[0]!, v[2]!, v[3]!);
}

/** The id Java's S2CellId.id() gives: a signed 64-bit long, printed in decimal. */
function signedDecimal(id: S2CellId): string {
  const u = BigInt(id.id.toString());
  return (u >= 1n << 63n ? u - UINT64 : u).toString();
}

export const S2Id = defineScalar({
  name: 'S2Id',
  description:
    'S2 cell id (decimal, as a signed 64-bit number like Java prints it) of the cell at `level` (0 to 30) containing (latitude, longitude).',
  signatures: [{ params: ['DOUBLE', 'DOUBLE', 'INT'], returns: 'STRING' }],
  eval: (lat, lon, level) => {
    if (!Number.isInteger(level) || level! < 0 || level! > 30) throw new Error(`S2Id: level must be an integer from 0 to 30, got ${level}`);
    if (!Number.isFinite(lat) || !Number.isFinite(lon)) throw new Error(`S2Id: latitude and longitude must be finite numbers`);
    const { S2CellId: CellId, S2LatLng } = s2();
    const leaf = CellId.fromPoint(S2LatLng.fromDegrees(lat!, lon!).toPoint());
    return signedDecimal(leaf.parentL(level!));
  },
  examples: [
    // Dagger's test vector (National Monument, Jakarta, level 13).
    { args: [-6.170024, 106.8243203, 13], result: '3344474489181175808', sql: 'S2Id(-6.170024, 106.8243203, 13)' },
    // Level 0 cells are the six cube faces: face f has id (2f + 1) << 60 (face 4 id is negative as a signed long).
    { args: [0, 0, 0], result: (1n << 60n).toString() },
    { args: [-89.9, 0, 0], result: ((11n << 60n) - (1n << 64n)).toString() },
    { args: [null, 106.8, 13], result: null },
  ],
});

export const S2AreaInKm2 = defineScalar({
  name: 'S2AreaInKm2',
  description: 'Exact area in km² of the S2 cell with the given decimal id (signed or unsigned 64-bit).',
  signatures: [{ params: ['STRING'], returns: 'DOUBLE' }],
  eval: (s2id) => {
    const id = parseCellId(s2id!);
    if (id === undefined) throw new Error(`S2AreaInKm2: "${s2id}" is not a valid S2 cell id`);
    return cellAreaSteradians(id) * KM2_PER_STERADIAN;
  },
  examples: [
    // Dagger's test vector: a level-8 cell of about 909.97 km².
    { args: ['3267730965564227584'], result: 909.9705838513232, sql: "S2AreaInKm2('3267730965564227584')" },
    { args: [null], result: null },
  ],
});

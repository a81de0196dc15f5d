import { defineScalar } from '../../src/udf/api.js';

const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';

/** Standard geohash: interleave longitude and latitude bisection bits, 5 bits per base-32 character. */
export function encodeGeohash(lat: number, lon: number, length: number): string {
  let latLo = -90;
  let latHi = 90;
  let lonLo = -180;
  let lonHi = 180;
  let out = '';
  let bits = 0;
  let ch = 0;
  let even = true; // even bits refine longitude
  while (out.length < length) {
    if (even) {
      const mid = (lonLo + lonHi) / 2;
      if (lon >= mid) {
        ch = (ch << 1) | 1;
        lonLo = mid;
      } else {
        ch <<= 1;
        lonHi = mid;
      }
    } else {
      const mid = (latLo + latHi) / 2;
      if (lat >= mid) {
        ch = (ch << 1) | 1;
        latLo = mid;
      } else {
        ch <<= 1;
        latHi = mid;
      }
    }
    even = !even;
    if (++bits === 5) {
      out += BASE32[ch];
      bits = 0;
      ch = 0;
    }
  }
  return out;
}

export const GeoHash = defineScalar({
  name: 'GeoHash',
  description: 'Geohash of (latitude, longitude) with the given number of characters (1 to 12).',
  signatures: [{ params: ['DOUBLE', 'DOUBLE', 'INT'], returns: 'STRING' }],
  eval: (lat, lon, length) => {
    if (lat! < -90 || lat! > 90 || lon! < -180 || lon! > 180) {
      throw new Error(`GeoHash: latitude must be in [-90, 90] and longitude in [-180, 180], got (${lat}, ${lon})`);
    }
    if (!Number.isInteger(length) || length! < 1 || length! > 12) {
      throw new Error(`GeoHash: length must be an integer from 1 to 12, got ${length}`);
    }
    return encodeGeohash(lat!, lon!, length!);
  },
  examples: [
    // Dagger's own test vector (National Monument, Jakarta).
    { args: [-6.170024, 106.8243203, 6], result: 'qqguyu', sql: 'GeoHash(-6.170024, 106.8243203, 6)' },
    // The classic example from geohash.org / Wikipedia.
    { args: [57.64911, 10.40744, 11], result: 'u4pruydqqvj' },
    { args: [null, 10.40744, 5], result: null },
  ],
});

import { defineScalar } from '../../src/udf/api.js';

const EARTH_RADIUS_KM = 6371;
const rad = (deg: number): number => (deg * Math.PI) / 180;

/** Great-circle (haversine) distance in kilometres between two points given in degrees. */
export const Distance = defineScalar({
  name: 'Distance',
  description: 'Haversine distance in kilometres between (lat1, lon1) and (lat2, lon2), in degrees, on a sphere of radius 6371 km.',
  signatures: [{ params: ['DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE'], returns: 'DOUBLE' }],
  eval: (lat1, lon1, lat2, lon2) => {
    const dLat = rad(lat2! - lat1!);
    const dLon = rad(lon2! - lon1!);
    const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(lat1!)) * Math.cos(rad(lat2!)) * Math.sin(dLon / 2) ** 2;
    return EARTH_RADIUS_KM * 2 * Math.atan2(Math.sqrt(h), Math.sqrt(1 - h));
  },
  examples: [
    // Dagger's test vectors (note the London longitude Dagger uses: 0.1278 east).
    { args: [48.8566, 2.3522, 51.5074, 0.1278], result: 334.5761379805, sql: 'Distance(48.8566, 2.3522, 51.5074, 0.1278)' },
    { args: [12.9716, 77.5946, 6.1751, 106.865], result: 3294.208197583382 },
    { args: [0, 0, 0, 0], result: 0 },
    { args: [null, 0, 0, 0], result: null },
  ],
});

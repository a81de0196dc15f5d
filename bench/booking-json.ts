/**
 * The booking records of the benches as JSON: the fields of `dirk.examples.BookingLogMessage`, one record per
 * index `j` (bench/run.ts's preload, bench/latency-bench.ts and scripts/flink-bench.mjs write the same values).
 */
export const BOOKING_JSON_SCHEMA = {
  type: 'object',
  properties: {
    order_number: { type: 'string' },
    service_type: { type: 'string' },
    service_area_id: { type: 'integer' },
    status: { type: 'string' },
    event_timestamp: { type: 'string', format: 'date-time' },
    customer_id: { type: 'string' },
    order_amount: { type: 'number' },
    pickup: { type: 'object', properties: { latitude: { type: 'number' }, longitude: { type: 'number' }, name: { type: 'string' } } },
    driver_id: { type: 'integer' },
  },
};

const SERVICES = ['GO_RIDE', 'GO_CAR', 'GO_FOOD', 'GO_SEND'];

/** Record `j`'s fields without its event time (every 5th CANCELLED, amounts 0.0-99.9, 50 service areas). */
export function bookingFields(j: number): Record<string, unknown> {
  return {
    order_number: `ORD-${j}`,
    service_type: SERVICES[j % 4],
    service_area_id: j % 50,
    status: j % 5 === 0 ? 'CANCELLED' : 'COMPLETED',
    customer_id: `CUSTOMER-${String(j % 1000).padStart(8, '0')}`,
    order_amount: (j % 1000) / 10,
    pickup: { latitude: -6.2 + (j % 100) / 1000, longitude: 106.8 + (j % 100) / 1000, name: 'Jakarta Selatan' },
    driver_id: 9_000_000_000 + j,
  };
}

/** Record `j` as JSON bytes with its event time as ISO-8601 UTC text. */
export function bookingJson(j: number, at: number): Buffer {
  return Buffer.from(JSON.stringify({ ...bookingFields(j), event_timestamp: new Date(at).toISOString() }));
}

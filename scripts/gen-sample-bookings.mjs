// Writes configs/data/bookings.jsonl: deterministic sample booking events (protobuf JSON form of
// dirk.examples.BookingLogMessage) over ten minutes, a few of them out of order.
import { writeFileSync } from 'node:fs';

let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const services = ['GO_RIDE', 'GO_CAR', 'GO_FOOD', 'GO_SEND'];
const start = Date.UTC(2026, 0, 1, 9, 0, 0);
const lines = [];
for (let i = 0; i < 300; i++) {
  // Mostly in order, sometimes up to 20 s late.
  const t = start + i * 2000 - (rand() < 0.1 ? Math.floor(rand() * 20000) : 0);
  lines.push(JSON.stringify({
    order_number: `ORD-${1000 + i}`,
    service_type: services[Math.floor(rand() * services.length)],
    service_area_id: 1 + Math.floor(rand() * 5),
    status: rand() < 0.8 ? 'COMPLETED' : 'CANCELLED',
    event_timestamp: { seconds: Math.floor(t / 1000), nanos: (t % 1000) * 1e6 },
    customer_id: `CUST-${Math.floor(rand() * 50)}`,
    order_amount: Math.round(rand() * 50000) / 100,
  }));
}
writeFileSync(new URL('../configs/data/bookings.jsonl', import.meta.url), `${lines.join('\n')}\n`);
console.log(`wrote ${lines.length} bookings`);

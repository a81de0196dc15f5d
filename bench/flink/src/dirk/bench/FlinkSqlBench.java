package dirk.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;

/**
 * One Flink SQL job on a local MiniCluster, for scripts/flink-bench.mjs: a bounded Kafka source (earliest to
 * the end offsets found at start), the same queries as Dirk's side of the script, a Kafka sink. Prints one
 * line "RESULT {json}" with the timings; the script counts the output records.
 *
 * Arguments (key=value): bootstrap, topic, sinkTopic, format=json|protobuf,
 * scenario=filter|tumble|hop|interval|join, group, paymentTopic (JSON payments, for interval and join),
 * parallelism (default 1), objectReuse=true|false (default true), miniBatch=true|false (default false).
 */
public final class FlinkSqlBench {
  // The same SQL text as bench/run.ts's SCENARIOS (the table is called booking, the time attribute rowtime).
  static final Map<String, String> QUERIES = Map.of(
      "filter",
      "SELECT order_number, UPPER(service_type) AS service, order_amount * 1.1 AS amount_with_tax, rowtime FROM booking"
          + " WHERE status <> 'CANCELLED' AND order_amount > 10",
      "tumble",
      "SELECT service_area_id, COUNT(*) AS bookings, TUMBLE_END(rowtime, INTERVAL '1' MINUTE) AS window_end FROM booking"
          + " GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE), service_area_id",
      "hop",
      "SELECT service_area_id, COUNT(*) AS bookings, HOP_END(rowtime, INTERVAL '1' MINUTE, INTERVAL '1' HOUR) AS window_end"
          + " FROM booking GROUP BY HOP(rowtime, INTERVAL '1' MINUTE, INTERVAL '1' HOUR), service_area_id",
      "interval",
      "SELECT b.order_number, b.service_area_id, p.amount, p.rowtime AS paid_at FROM booking b JOIN payment p"
          + " ON b.order_number = p.order_number AND p.rowtime BETWEEN b.rowtime AND b.rowtime + INTERVAL '5' SECOND",
      "join",
      "SELECT b.order_number, b.service_area_id, p.amount, p.rowtime AS paid_at FROM booking b JOIN payment p"
          + " ON b.order_number = p.order_number");

  public static void main(String[] argv) throws Exception {
    long mainNanos = System.nanoTime();
    long jvmStartMs = ManagementFactory.getRuntimeMXBean().getStartTime();
    long mainAtMs = System.currentTimeMillis();
    Map<String, String> a = new HashMap<>();
    for (String s : argv) {
      int i = s.indexOf('=');
      if (i > 0) a.put(s.substring(0, i), s.substring(i + 1));
    }
    String bs = a.getOrDefault("bootstrap", "127.0.0.1:9092");
    String topic = req(a, "topic");
    String sinkTopic = req(a, "sinkTopic");
    String format = a.getOrDefault("format", "json");
    String scenario = a.getOrDefault("scenario", "filter");
    String group = a.getOrDefault("group", "flink-bench-" + System.currentTimeMillis());
    String query = QUERIES.get(scenario);
    if (query == null) throw new IllegalArgumentException("scenario must be one of " + QUERIES.keySet());

    Configuration c = new Configuration();
    c.setString("parallelism.default", a.getOrDefault("parallelism", "1"));
    c.setString("table.local-time-zone", "UTC");
    // Watermarks every 200 ms, as Dirk's bench (FLINK_WATERMARK_INTERVAL_MS=200; Flink's default is 200 too).
    c.setString("pipeline.auto-watermark-interval", "200ms");
    // Flink's own tuning advice: object reuse for every job, mini-batch for the aggregating ones.
    if (Boolean.parseBoolean(a.getOrDefault("objectReuse", "true"))) c.setString("pipeline.object-reuse", "true");
    if (Boolean.parseBoolean(a.getOrDefault("miniBatch", "false"))) {
      c.setString("table.exec.mini-batch.enabled", "true");
      c.setString("table.exec.mini-batch.allow-latency", "200ms");
      c.setString("table.exec.mini-batch.size", "5000");
    }
    TableEnvironment t = TableEnvironment.create(
        EnvironmentSettings.newInstance().inStreamingMode().withConfiguration(c).build());

    // alignDriftMs: both tables in one watermark alignment group (Flink's FLIP-182 table options), as Dirk's
    // SOURCE_WATERMARK_ALIGNMENT_* keys under FLINK_BENCH_ALIGN_DRIFT.
    String align = a.containsKey("alignDriftMs")
        ? ",'scan.watermark.alignment.group'='bench','scan.watermark.alignment.max-drift'='" + a.get("alignDriftMs") + " ms',"
            // Flink lets a held split go only when its coordinator announces the group's watermark, every
            // update-interval (1 s by default): the bench's event time moves some 500 s per second of run, so
            // at 1 s a drift under that throttles the job. Dirk checks at every delivery.
            + "'scan.watermark.alignment.update-interval'='50 ms'"
        : "";
    String kafka = "'connector'='kafka','topic'='%s','properties.bootstrap.servers'='" + bs + "'";
    String kafkaSource = kafka + align;
    String source;
    if (format.equals("json")) {
      // JSON records carry the event time as ISO-8601 UTC text ("2026-01-01T00:00:00.010Z"). Flink's json
      // format parses that shape only into TIMESTAMP_LTZ (TIMESTAMP wants it without the "Z"), so the
      // time attribute is a computed TIMESTAMP(3) column (session time zone UTC).
      source = "CREATE TABLE booking ("
          + " order_number STRING, service_type STRING, service_area_id BIGINT, status STRING,"
          + " event_timestamp TIMESTAMP_LTZ(3), customer_id STRING, order_amount DOUBLE,"
          + " pickup ROW<latitude DOUBLE, longitude DOUBLE, name STRING>, driver_id BIGINT,"
          + " rowtime AS CAST(event_timestamp AS TIMESTAMP(3)),"
          + " WATERMARK FOR rowtime AS rowtime - INTERVAL '1' SECOND"
          + ") WITH (" + String.format(kafkaSource, topic) + ","
          + " 'properties.group.id'='" + group + "','scan.startup.mode'='earliest-offset','scan.bounded.mode'='latest-offset',"
          + " 'format'='json','json.timestamp-format.standard'='ISO-8601','json.fail-on-missing-field'='false','json.ignore-parse-errors'='false')";
    } else if (format.equals("protobuf")) {
      // Classes generated by Debian's protoc 3.21.12 from protos/dirk/examples/booking.proto (the script does it).
      // Enums read as STRING, google.protobuf.Timestamp as ROW<seconds, nanos>.
      source = "CREATE TABLE booking ("
          + " order_number STRING, service_type STRING, service_area_id INT, status STRING,"
          + " event_timestamp ROW<seconds BIGINT, nanos INT>, customer_id STRING, order_amount DOUBLE,"
          + " pickup ROW<latitude DOUBLE, longitude DOUBLE, name STRING>, tags ARRAY<STRING>,"
          + " metadata MAP<STRING, STRING>, driver_id BIGINT,"
          + " rowtime AS CAST(TO_TIMESTAMP_LTZ(event_timestamp.seconds * 1000 + event_timestamp.nanos / 1000000, 3) AS TIMESTAMP(3)),"
          + " WATERMARK FOR rowtime AS rowtime - INTERVAL '1' SECOND"
          + ") WITH (" + String.format(kafkaSource, topic) + ","
          + " 'properties.group.id'='" + group + "','scan.startup.mode'='earliest-offset','scan.bounded.mode'='latest-offset',"
          + " 'format'='protobuf','protobuf.message-class-name'='dirk.examples.Booking$BookingLogMessage')";
    } else {
      throw new IllegalArgumentException("format must be json or protobuf");
    }
    t.executeSql(source);
    String area = format.equals("json") ? "BIGINT" : "INT";
    if (scenario.equals("interval") || scenario.equals("join")) {
      // The second stream: JSON payments (scripts/flink-bench.mjs writes them in event-time order per partition).
      t.executeSql("CREATE TABLE payment ("
          + " order_number STRING, amount DOUBLE, pay_method STRING, event_timestamp TIMESTAMP_LTZ(3),"
          + " rowtime AS CAST(event_timestamp AS TIMESTAMP(3)),"
          + " WATERMARK FOR rowtime AS rowtime - INTERVAL '1' SECOND"
          + ") WITH (" + String.format(kafkaSource, req(a, "paymentTopic")) + ","
          + " 'properties.group.id'='" + group + "-payment','scan.startup.mode'='earliest-offset','scan.bounded.mode'='latest-offset',"
          + " 'format'='json','json.timestamp-format.standard'='ISO-8601','json.fail-on-missing-field'='false','json.ignore-parse-errors'='false')");
    }

    String sinkColumns = scenario.equals("filter")
        ? "order_number STRING, service STRING, amount_with_tax DOUBLE, rowtime TIMESTAMP(3)"
        : scenario.equals("interval") || scenario.equals("join")
            ? "order_number STRING, service_area_id " + area + ", amount DOUBLE, paid_at TIMESTAMP(3)"
            : "service_area_id " + area + ", bookings BIGINT, window_end TIMESTAMP(3)";
    t.executeSql("CREATE TABLE sink (" + sinkColumns + ") WITH (" + String.format(kafka, sinkTopic) + ","
        + " 'format'='json','json.timestamp-format.standard'='ISO-8601','sink.delivery-guarantee'='at-least-once')");

    long cpu0 = processCpuNanos();
    long t0 = System.nanoTime();
    TableResult r = t.executeSql("INSERT INTO sink " + query);
    r.await(); // returns once the bounded input is drained and the sink flushed
    long jobNanos = System.nanoTime() - t0;
    long cpuJob = processCpuNanos() - cpu0;
    // Net runtime: from the job's start in the MiniCluster to its end (no cluster start-up, planning, submission).
    long netMs = r.getJobClient().get().getJobExecutionResult().get().getNetRuntime();

    System.out.println(String.format(Locale.ROOT,
        "RESULT {\"engine\":\"flink\",\"format\":\"%s\",\"scenario\":\"%s\",\"jvm_to_main_ms\":%d,\"setup_ms\":%.1f,"
            + "\"job_s\":%.3f,\"net_runtime_s\":%.3f,\"job_cpu_s\":%.3f,\"process_cpu_s\":%.3f,\"vmhwm_mb\":%d,\"job_id\":\"%s\"}",
        format, scenario, mainAtMs - jvmStartMs, (t0 - mainNanos) / 1e6, jobNanos / 1e9, netMs / 1e3, cpuJob / 1e9,
        processCpuNanos() / 1e9, vmHwmMb(), r.getJobClient().map(j -> j.getJobID().toString()).orElse("")));
    System.exit(0); // end as soon as the figures are out (the process time then excludes a MiniCluster shutdown)
  }

  static String req(Map<String, String> a, String k) {
    String v = a.get(k);
    if (v == null) throw new IllegalArgumentException("missing " + k + "=...");
    return v;
  }

  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  static long vmHwmMb() throws IOException {
    for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
    }
    return -1;
  }
}

package dirk.bench;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Locale;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;

/**
 * One Flink SQL script on a local MiniCluster (parallelism=N, default 1), for scripts/flink-bench.mjs's Nexmark
 * scenario: the statements of the file (separated by ';' at a line end) run in order, the DDL first; the
 * INSERT is timed until it ends (bounded sources) and one line "RESULT {json}" is printed, as FlinkSqlBench.
 *
 * Arguments (key=value): script=<file>, name=<label>, parallelism=N, objectReuse=true|false, miniBatch=true|false.
 */
public final class FlinkScriptBench {
  public static void main(String[] argv) throws Exception {
    long mainNanos = System.nanoTime();
    long jvmStartMs = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
    long mainAtMs = System.currentTimeMillis();
    java.util.Map<String, String> a = new java.util.HashMap<>();
    for (String s : argv) {
      int i = s.indexOf('=');
      if (i > 0) a.put(s.substring(0, i), s.substring(i + 1));
    }
    String text = new String(Files.readAllBytes(Paths.get(FlinkSqlBench.req(a, "script"))), "UTF-8");
    String name = a.getOrDefault("name", "script");

    Configuration c = new Configuration();
    c.setString("parallelism.default", a.getOrDefault("parallelism", "1"));
    c.setString("table.local-time-zone", "UTC");
    c.setString("pipeline.auto-watermark-interval", "200ms");
    if (Boolean.parseBoolean(a.getOrDefault("objectReuse", "true"))) c.setString("pipeline.object-reuse", "true");
    if (Boolean.parseBoolean(a.getOrDefault("miniBatch", "false"))) {
      c.setString("table.exec.mini-batch.enabled", "true");
      c.setString("table.exec.mini-batch.allow-latency", "200ms");
      c.setString("table.exec.mini-batch.size", "5000");
    }
    TableEnvironment t = TableEnvironment.create(
        EnvironmentSettings.newInstance().inStreamingMode().withConfiguration(c).build());

    String insert = null;
    for (String st : text.split(";\\s*\\n")) {
      String s = st.trim();
      if (s.isEmpty()) continue;
      if (s.toUpperCase(Locale.ROOT).startsWith("INSERT")) insert = s;
      else t.executeSql(s);
    }
    if (insert == null) throw new IllegalArgumentException("the script has no INSERT");

    long cpu0 = FlinkSqlBench.processCpuNanos();
    long t0 = System.nanoTime();
    TableResult r = t.executeSql(insert);
    r.await();
    long jobNanos = System.nanoTime() - t0;
    long cpuJob = FlinkSqlBench.processCpuNanos() - cpu0;
    long netMs = r.getJobClient().get().getJobExecutionResult().get().getNetRuntime();
    System.out.println(String.format(Locale.ROOT,
        "RESULT {\"engine\":\"flink\",\"format\":\"json\",\"scenario\":\"%s\",\"jvm_to_main_ms\":%d,\"setup_ms\":%.1f,"
            + "\"job_s\":%.3f,\"net_runtime_s\":%.3f,\"job_cpu_s\":%.3f,\"process_cpu_s\":%.3f,\"vmhwm_mb\":%d}",
        name, mainAtMs - jvmStartMs, (t0 - mainNanos) / 1e6, jobNanos / 1e9, netMs / 1e3, cpuJob / 1e9,
        FlinkSqlBench.processCpuNanos() / 1e9, FlinkSqlBench.vmHwmMb()));
    System.exit(0);
  }
}

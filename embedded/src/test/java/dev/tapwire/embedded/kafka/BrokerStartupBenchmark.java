package dev.tapwire.embedded.kafka;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Prints the embedded broker's start-up cost: cold start (format an empty directory, start, wait
 * until {@code describeCluster} answers), restart on an existing directory, and the JVM's resident
 * set size (VmRSS from {@code /proc/self/status}) while the broker runs. Run it in a JVM that does
 * nothing else:
 *
 * <pre>
 * ./mvnw -B -o -q -pl embedded test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -Xmx512m -XX:+UseSerialGC -cp embedded/target/test-classes:embedded/target/classes:$(cat embedded/target/cp.txt) \
 *     dev.tapwire.embedded.kafka.BrokerStartupBenchmark [runs | --once DIR]
 * </pre>
 */
public final class BrokerStartupBenchmark {

  private BrokerStartupBenchmark() {}

  /**
   * {@code [runs]}: in one JVM, {@code runs} cold starts each followed by {@code runs} restarts
   * (default 3). {@code --once DIR}: a single start on {@code DIR} (cold if empty, a restart if
   * formatted) in this fresh JVM, reporting also the JVM uptime when the broker answered; run it
   * repeatedly from a shell to include class loading and JIT warm-up, as a real process start does.
   */
  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("--once")) {
      once(Path.of(args[1]));
      return;
    }
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    System.out.printf(
        "JVM %s, args %s, %d cores%n",
        Runtime.version(),
        ManagementFactory.getRuntimeMXBean().getInputArguments(),
        Runtime.getRuntime().availableProcessors());

    for (int i = 1; i <= runs; i++) {
      Path dir = Files.createTempDirectory("tapwire-broker-bench-");
      try {
        long startNanos = System.nanoTime();
        long cpuStart = processCpuMs();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dir).build();
        broker.start();
        long coldMs = (System.nanoTime() - startNanos) / 1_000_000;
        long coldCpuMs = processCpuMs() - cpuStart;
        String memory = memory();
        broker.close();
        System.out.printf(
            "cold start %d: %5d ms, process CPU %5d ms  (%s)%n", i, coldMs, coldCpuMs, memory);

        for (int r = 1; r <= runs; r++) {
          long restartNanos = System.nanoTime();
          long restartCpuStart = processCpuMs();
          EmbeddedKafkaBroker again = EmbeddedKafkaBroker.builder().dataDir(dir).build();
          again.start();
          long restartMs = (System.nanoTime() - restartNanos) / 1_000_000;
          long restartCpuMs = processCpuMs() - restartCpuStart;
          String restartMemory = memory();
          long closeNanos = System.nanoTime();
          again.close();
          long closeMs = (System.nanoTime() - closeNanos) / 1_000_000;
          System.out.printf(
              "  restart %d.%d: %5d ms, process CPU %5d ms, close %4d ms  (%s)%n",
              i, r, restartMs, restartCpuMs, closeMs, restartMemory);
        }
      } finally {
        deleteRecursively(dir);
      }
    }
  }

  private static void once(Path dir) throws IOException {
    boolean formatted = Files.exists(dir.resolve(StorageFormat.META_PROPERTIES));
    long startNanos = System.nanoTime();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dir).build()) {
      broker.start();
      long startMs = (System.nanoTime() - startNanos) / 1_000_000;
      long uptimeMs = ManagementFactory.getRuntimeMXBean().getUptime();
      System.out.printf(
          "%s: start %5d ms, JVM uptime at ready %5d ms, process CPU since JVM start %5d ms  (%s)%n",
          formatted ? "restart" : "cold start", startMs, uptimeMs, processCpuMs(), memory());
    }
  }

  /** CPU time of all threads of this JVM, in milliseconds (less sensitive to other load). */
  private static long processCpuMs() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1_000_000;
  }

  private static String memory() throws IOException {
    System.gc();
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return String.format(
        "VmRSS %d MiB, heap used %d MiB after GC", vmRssKiB() / 1024, heap.getUsed() >> 20);
  }

  private static long vmRssKiB() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
    for (String line : lines) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}

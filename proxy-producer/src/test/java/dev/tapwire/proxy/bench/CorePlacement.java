package dev.tapwire.proxy.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where this JVM's threads (the driver and the fake upstream) ran while a measurement lasted: a
 * daemon thread reads every {@value #INTERVAL_MS} ms, for each thread, its run time ({@code
 * /proc/self/task/<tid>/schedstat}, first field, ns) and the CPU it last ran on ({@code stat},
 * field 39) and counts the run time since the previous reading as spent on that CPU. An estimate: a
 * thread that moved within an interval is counted on the CPU it ended on.
 *
 * <p>The proxy is pinned to CPU 0; the driver and the upstream are not. When the scheduler keeps
 * them on CPU 0 too, they wait behind the proxy. This makes that visible per run, at a cost: the
 * sampling itself takes CPU from the driver (see {@link ProxyLoadBenchmark#PLACEMENT}).
 */
final class CorePlacement implements AutoCloseable {
  static final int INTERVAL_MS = 50;

  private final int cpu;
  private final Map<String, Long> lastRun = new HashMap<>();
  private final Thread sampler;
  private long onCpu;
  private long total;
  private volatile boolean stop;

  private CorePlacement(int cpu) {
    this.cpu = cpu;
    sample(); // baseline
    sampler = new Thread(this::loop, "bench-placement");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Starts sampling; {@link #close} stops it. */
  static CorePlacement start(int cpu) {
    return new CorePlacement(cpu);
  }

  private void loop() {
    while (!stop) {
      try {
        Thread.sleep(INTERVAL_MS);
      } catch (InterruptedException e) {
        return;
      }
      sample();
    }
  }

  private synchronized void sample() {
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        try {
          long run = Long.parseLong(Files.readString(task.resolve("schedstat")).split(" ")[0]);
          String stat = Files.readString(task.resolve("stat"));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          int lastCpu = Integer.parseInt(fields[36]); // field 39 of stat(5), counted from 1
          Long before = lastRun.put(task.getFileName().toString(), run);
          if (before != null && run > before) {
            total += run - before;
            if (lastCpu == cpu) {
              onCpu += run - before;
            }
          }
        } catch (IOException e) {
          // the thread ended between the listing and the read (no such file, or no such process)
        }
      }
    } catch (IOException e) {
      // no /proc (not Linux): nothing measured
    }
  }

  /** Share (0–1) of this JVM's CPU time spent on the CPU given to {@link #start}, NaN if none. */
  synchronized double share() {
    return total == 0 ? Double.NaN : (double) onCpu / total;
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    sampler.interrupt();
    sampler.join();
    sample();
  }
}

package dev.tapwire.proxy.bench;

import dev.tapwire.proxy.ca.PemFiles;
import dev.tapwire.testkit.upstream.FakeAnthropicUpstream;
import dev.tapwire.testkit.upstream.TestCertificateAuthority;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load driver (a {@code main}, not a test): on loopback, in one run, the same Anthropic-style
 * workload (100 KB request body, 200-event SSE response) directly against the fake upstream,
 * through the proxy's blind tunnel and through its MITM path, at concurrency 1, 16 and 64.
 *
 * <p>The proxy runs as a separate JVM pinned to CPU 0 ({@code taskset -c 0}); its CPU time
 * (utime+stime from /proc), read and write system calls ({@code /proc/<pid>/io}) and peak RSS
 * (VmHWM) are read from /proc. The driver and the upstream run in this JVM, not pinned, at nice
 * {@link #DRIVER_NICE}: they use both cores, but on the proxy's core only what the proxy leaves.
 * The table also gives this JVM's CPU per request and the share of the machine's CPU in use, so
 * that the whole machine's cost of each path can be compared. The upstream pauses {@link
 * #FIRST_TOKEN_MS} ms after the first SSE event. With {@code -Dtapwire.bench.placement=true} it
 * also reports, at concurrency 1, the share of the driver's and upstream's CPU time spent on the
 * proxy's core ({@link CorePlacement}). Prints a Markdown table; progress (warm-up rounds, each
 * measurement, and the proxy's own timeline of its flows, {@link FlowTimeline}) goes to stderr.
 *
 * <p>{@code -Dtapwire.bench.soakSeconds=N} runs the MITM path for N seconds before the measurement,
 * for a profiler ({@link #soak}).
 *
 * <p>Args (optional): requests at c=1, c=16, c=64 (default 300 1000 2000).
 */
public final class ProxyLoadBenchmark {
  /** Request body size, bytes (100 KB; {@code -Dtapwire.bench.bodyBytes} for experiments). */
  static final int BODY_BYTES = Integer.getInteger("tapwire.bench.bodyBytes", 100 * 1000);

  static final int SSE_EVENTS = 200;

  /**
   * Milliseconds the fake upstream waits between the first SSE event ({@code message_start}) and
   * the rest, as a model's time to first token does on the real API ({@code
   * -Dtapwire.bench.firstTokenMs}; 0 sends all 200 events back to back). Without the pause the
   * upstream's thread writes the other 199 events in one 2 ms burst on one core just as the first
   * event travels to the driver, and on 2 cores the driver's selector thread then waits behind it
   * (proxy-producer/README.md, session 6).
   */
  static final int FIRST_TOKEN_MS = Integer.getInteger("tapwire.bench.firstTokenMs", 2);

  /**
   * Nice value of the driver's and upstream's threads ({@code -Dtapwire.bench.driverNice}, default
   * 10; 0 runs them at the proxy's priority). The proxy is pinned to one core but the driver and
   * upstream are not, and at the same priority the scheduler shares the proxy's core evenly among
   * the proxy's event loop and up to 64 driver threads: the event loop then waits for its own core
   * while the other one idles (13 % of the machine idle at concurrency 64 in session 6). At nice 10
   * the proxy gets its core when it needs it and the driver and upstream still use all the CPU it
   * leaves.
   */
  static final int DRIVER_NICE = Integer.getInteger("tapwire.bench.driverNice", 10);

  /**
   * {@code -Dtapwire.bench.placement=true}: measure where the driver's threads ran at concurrency 1
   * ({@link CorePlacement}). Off by default: reading /proc for every thread every {@value
   * CorePlacement#INTERVAL_MS} ms cost the direct path a quarter of its requests/s in one run.
   */
  static final boolean PLACEMENT = Boolean.getBoolean("tapwire.bench.placement");

  /** The CPU the proxy is pinned to. */
  static final int PROXY_CPU = 0;

  private ProxyLoadBenchmark() {}

  record Result(
      String mode,
      int concurrency,
      int requests,
      double seconds,
      long[] ttfeNanos,
      double cpuSeconds,
      double jitCpuSeconds,
      long readCalls,
      long writeCalls,
      double driverCpuSeconds,
      double machineBusy,
      double driverOnProxyCore) {
    double rps() {
      return requests / seconds;
    }

    double ttfeMillis(double quantile) {
      long[] sorted = ttfeNanos.clone();
      Arrays.sort(sorted);
      int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
      return sorted[Math.max(0, index)] / 1e6;
    }
  }

  public static void main(String[] args) throws Exception {
    int[] counts = {300, 1000, 2000};
    for (int i = 0; i < Math.min(args.length, 3); i++) {
      counts[i] = Integer.parseInt(args[i]);
    }
    int[] concurrency = {1, 16, 64};
    // the JDK server behind the fake upstream closes connections idle for 30 s by default, and a
    // path's pooled connections sit idle while the other paths warm up: a POST sent as the server
    // closes its connection fails ("header parser received no bytes"), which a slow run hit
    System.setProperty("sun.net.httpserver.idleInterval", "3600");
    try (FakeAnthropicUpstream upstream = FakeAnthropicUpstream.https()) {
      Path dir = Files.createTempDirectory("tapwire-bench");
      Path upstreamCa = upstream.writeCaPem(dir.resolve("upstream-ca.pem"));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process proxy =
          new ProcessBuilder(
                  "taskset",
                  "-c",
                  String.valueOf(PROXY_CPU),
                  java,
                  "-Xmx512m",
                  "-XX:+UseSerialGC",
                  System.getProperty("tapwire.bench.proxyJvmFlag", "-Dtapwire.bench=1"),
                  "-cp",
                  System.getProperty("java.class.path"),
                  ProxyBenchServer.class.getName(),
                  dir.resolve("data").toString(),
                  upstreamCa.toString(),
                  String.valueOf(upstream.port()))
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      try {
        reniceSelf(DRIVER_NICE);
        BufferedReader out =
            new BufferedReader(
                new InputStreamReader(proxy.getInputStream(), StandardCharsets.UTF_8));
        int port = Integer.parseInt(lineStartingWith(out, "PORT "));
        Path tapwireCa = Path.of(lineStartingWith(out, "CA "));
        Thread drain =
            new Thread(
                () -> {
                  try {
                    while (out.readLine() != null) {
                      // the proxy's log lines
                    }
                  } catch (java.io.IOException e) {
                    // the proxy exited
                  }
                });
        drain.setDaemon(true);
        drain.start();
        X509Certificate tapwire = PemFiles.readCertificates(tapwireCa).get(0);
        HttpClient direct = client(null, upstream.caCertificate());
        HttpClient tunnel = client(port, upstream.caCertificate());
        HttpClient mitm = client(port, tapwire);
        URI viaName = upstream.baseUri().resolve("/v1/messages");
        URI viaIp = URI.create("https://127.0.0.1:" + upstream.port() + "/v1/messages");
        byte[] body = body();
        // warm-up at the highest concurrency until steady state: leaf minting, every pooled
        // connection (CONNECT + both TLS handshakes) opened, and the JIT done. On one core the
        // proxy's C2 compiler shares the CPU with the event loop, so a fixed short warm-up leaves
        // the crypto path in C1 code (no AES-CTR/GHASH intrinsics) during the measurement.
        // then at concurrency 1: one request at a time takes other paths (a read per SSE event),
        // which C2 had not compiled yet and compiled on the pinned core during the c=1 measurement
        for (int c : new int[] {64, 1}) {
          warmUp("direct", direct, viaName, body, c, proxy.pid());
          warmUp("blind tunnel", tunnel, viaIp, body, c, proxy.pid());
          warmUp("MITM + capture", mitm, viaName, body, c, proxy.pid());
        }
        soak(mitm, viaName, body, proxy.pid());
        proxy.getOutputStream().write("warm-up\n".getBytes(StandardCharsets.UTF_8));
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < concurrency.length; i++) {
          results.add(measure("direct", direct, viaName, body, concurrency[i], counts[i], proxy));
          results.add(
              measure("blind tunnel", tunnel, viaIp, body, concurrency[i], counts[i], proxy));
          results.add(
              measure("MITM + capture", mitm, viaName, body, concurrency[i], counts[i], proxy));
        }
        print(results, peakRssKb(proxy.pid()));
        int stray = threadsNotAtNice(DRIVER_NICE);
        if (stray > 0) {
          System.err.printf(
              Locale.ROOT, "warning: %d driver threads not at nice %d%n", stray, DRIVER_NICE);
        }
      } finally {
        proxy.getOutputStream().close();
        proxy.waitFor();
      }
    }
  }

  /**
   * Runs rounds of {@value #WARMUP_ROUND_REQUESTS} requests (a third of that at concurrency 1) at
   * {@code concurrency} until two consecutive rounds agree within 5 % on requests/s and on proxy
   * CPU per request and the JIT compiler used at most {@link #JIT_QUIET_SHARE} of the proxy's CPU
   * (at least 3, at most {@value #WARMUP_MAX_ROUNDS} rounds), printing each round to stderr.
   */
  static void warmUp(
      String mode, HttpClient client, URI uri, byte[] body, int concurrency, long proxyPid)
      throws Exception {
    Result previous = null;
    for (int round = 1; round <= WARMUP_MAX_ROUNDS; round++) {
      int requests = concurrency == 1 ? WARMUP_ROUND_REQUESTS / 3 : WARMUP_ROUND_REQUESTS;
      Result r = run(client, uri, body, concurrency, requests, proxyPid);
      double cpuPerRequestMs = r.cpuSeconds / r.requests * 1000;
      System.err.printf(
          Locale.ROOT,
          "warm-up %s c=%d round %d: %.0f req/s, proxy CPU %.2f ms/req, of which JIT compiler %.2f%n",
          mode,
          concurrency,
          round,
          r.rps(),
          cpuPerRequestMs,
          r.jitCpuSeconds / r.requests * 1000);
      if (previous != null
          && round >= 3
          && r.jitCpuSeconds <= JIT_QUIET_SHARE * r.cpuSeconds
          && within(r.rps(), previous.rps(), 0.05)
          && within(r.cpuSeconds, previous.cpuSeconds, 0.05)) {
        return;
      }
      previous = r;
    }
  }

  /**
   * With {@code -Dtapwire.bench.soakSeconds=N}, runs the MITM path at concurrency 64 for N seconds
   * after the warm-up, before the measurement, so that a profiler ({@code perf record -p PID}, JFR)
   * can be attached to the proxy while it does nothing else. Prints {@code soak start PID} and
   * {@code soak end} to stderr.
   */
  static void soak(HttpClient client, URI uri, byte[] body, long proxyPid) throws Exception {
    long seconds = Long.getLong("tapwire.bench.soakSeconds", 0L);
    if (seconds <= 0) {
      return;
    }
    System.err.println("soak start " + proxyPid);
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < end) {
      run(client, uri, body, 64, WARMUP_ROUND_REQUESTS, proxyPid);
    }
    System.err.println("soak end");
  }

  static final int WARMUP_ROUND_REQUESTS = 1000;
  static final int WARMUP_MAX_ROUNDS = 25;

  /**
   * Warm-up goes on while the proxy's JIT compiler threads use more than this share of its CPU: on
   * the one pinned core, compilation would otherwise be counted as proxy cost and slow the event
   * loop during the measurement.
   */
  static final double JIT_QUIET_SHARE = 0.03;

  private static boolean within(double a, double b, double tolerance) {
    return Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b));
  }

  /**
   * Gives every thread of this JVM (the driver and the upstream) the nice value {@code nice}
   * ({@code renice}, util-linux; threads started later inherit it from the thread that starts
   * them), so that on the proxy's core the proxy runs first and the driver and upstream use what it
   * leaves. Does nothing for 0.
   *
   * @throws IllegalStateException if {@code renice} fails
   */
  static void reniceSelf(int nice) throws Exception {
    if (nice == 0) {
      return;
    }
    List<String> command = new ArrayList<>(List.of("renice", "-n", String.valueOf(nice), "-p"));
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      tasks.forEach(t -> command.add(t.getFileName().toString()));
    }
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("renice of the driver's threads failed: " + command);
    }
    System.err.printf(
        Locale.ROOT,
        "driver and upstream threads at nice %d (%d threads)%n",
        nice,
        command.size() - 4);
  }

  /** Number of this JVM's threads whose nice value is not {@code nice} (/proc/self/task). */
  static int threadsNotAtNice(int nice) throws Exception {
    int other = 0;
    for (String stat : threadStats("self")) {
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      if (Integer.parseInt(f[16]) != nice) { // field 19 of stat: nice
        other++;
      }
    }
    return other;
  }

  /**
   * The {@code stat} line of every thread of process {@code pid} ("self" for this JVM) from
   * /proc/pid/task; a thread that exits while they are read is left out.
   */
  static List<String> threadStats(String pid) throws java.io.IOException {
    List<String> stats = new ArrayList<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          stats.add(Files.readString(task.resolve("stat")));
        } catch (java.io.IOException gone) {
          // the thread exited meanwhile
        }
      }
    }
    return stats;
  }

  static String lineStartingWith(BufferedReader in, String prefix) throws java.io.IOException {
    String line;
    while ((line = in.readLine()) != null) {
      if (line.startsWith(prefix)) {
        return line.substring(prefix.length()).trim();
      }
    }
    throw new IllegalStateException("the proxy process ended before printing " + prefix);
  }

  /**
   * One measured run of {@code mode}, announced on stderr as it starts and ends. At concurrency 1
   * and with {@link #PLACEMENT} on, it also measures where the driver's and upstream's threads ran
   * ({@link CorePlacement}).
   */
  static Result measure(
      String mode,
      HttpClient client,
      URI uri,
      byte[] body,
      int concurrency,
      int requests,
      Process proxy)
      throws Exception {
    System.err.printf(Locale.ROOT, "measuring %s c=%d: %d requests%n", mode, concurrency, requests);
    Result r;
    double onProxyCore = Double.NaN;
    if (concurrency == 1 && PLACEMENT) {
      CorePlacement placement = CorePlacement.start(PROXY_CPU);
      try {
        r = run(client, uri, body, concurrency, requests, proxy.pid());
      } finally {
        placement.close();
      }
      onProxyCore = placement.share();
    } else {
      r = run(client, uri, body, concurrency, requests, proxy.pid());
    }
    java.io.OutputStream toProxy = proxy.getOutputStream();
    toProxy.write((mode + " c=" + concurrency + "\n").getBytes(StandardCharsets.UTF_8));
    toProxy.flush();
    System.err.printf(
        Locale.ROOT,
        "measured %s c=%d: %.0f req/s, time to first event p50 %.2f ms%n",
        mode,
        concurrency,
        r.rps(),
        r.ttfeMillis(0.5));
    return new Result(
        mode,
        r.concurrency,
        r.requests,
        r.seconds,
        r.ttfeNanos,
        r.cpuSeconds,
        r.jitCpuSeconds,
        r.readCalls,
        r.writeCalls,
        r.driverCpuSeconds,
        r.machineBusy,
        onProxyCore);
  }

  static HttpClient client(Integer proxyPort, X509Certificate trust) {
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(TestCertificateAuthority.clientSslContextTrusting(trust))
            .connectTimeout(Duration.ofSeconds(10));
    if (proxyPort != null) {
      b.proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxyPort)));
    }
    return b.build();
  }

  static byte[] body() {
    StringBuilder sb =
        new StringBuilder(
            "{\"model\":\"claude-sonnet-4-5\",\"stream\":true,\"max_tokens\":1024,\"system\":\"");
    while (sb.length() < BODY_BYTES - 100) {
      sb.append("You are a helpful assistant. ");
    }
    sb.append("\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  static Result run(
      HttpClient client, URI uri, byte[] body, int concurrency, int requests, long proxyPid)
      throws Exception {
    long[] ttfe = new long[requests];
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    double cpuBefore = cpuSeconds(proxyPid);
    double jitBefore = jitCpuSeconds(proxyPid);
    long[] ioBefore = ioCalls(proxyPid);
    double driverBefore = cpuSeconds(ProcessHandle.current().pid());
    long[] machineBefore = machineTicks();
    long start = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < concurrency; t++) {
      futures.add(
          pool.submit(
              () -> {
                int i;
                while ((i = next.getAndIncrement()) < requests) {
                  ttfe[i] = oneRequest(client, uri, body);
                }
                return null;
              }));
    }
    try {
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      // a failed request must end the run, not leave the pool's threads keeping the JVM alive
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpu = cpuSeconds(proxyPid) - cpuBefore;
    double jit = jitCpuSeconds(proxyPid) - jitBefore;
    long[] ioAfter = ioCalls(proxyPid);
    double driverCpu = cpuSeconds(ProcessHandle.current().pid()) - driverBefore;
    long[] machineAfter = machineTicks();
    return new Result(
        "",
        concurrency,
        requests,
        seconds,
        ttfe,
        cpu,
        jit,
        ioAfter[0] - ioBefore[0],
        ioAfter[1] - ioBefore[1],
        driverCpu,
        (double) (machineAfter[0] - machineBefore[0]) / (machineAfter[1] - machineBefore[1]),
        Double.NaN);
  }

  /** Sends one streaming request; returns nanoseconds until the first complete SSE event. */
  static long oneRequest(HttpClient client, URI uri, byte[] body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .header("content-type", "application/json")
            .header("x-api-key", "sk-ant-bench")
            .header(FakeAnthropicUpstream.EVENTS, String.valueOf(SSE_EVENTS - 6))
            .header(FakeAnthropicUpstream.FIRST_TOKEN_MS, String.valueOf(FIRST_TOKEN_MS))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    long t0 = System.nanoTime();
    HttpResponse<InputStream> response =
        client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    long first = -1;
    byte[] buffer = new byte[16 * 1024];
    int previous = -1;
    try (InputStream in = response.body()) {
      int n;
      while ((n = in.read(buffer)) != -1) {
        if (first < 0) {
          for (int k = 0; k < n; k++) {
            if (buffer[k] == '\n' && previous == '\n') {
              first = System.nanoTime() - t0;
              break;
            }
            previous = buffer[k];
          }
        }
      }
    }
    if (response.statusCode() != 200 || first < 0) {
      throw new IllegalStateException("bad response " + response.statusCode());
    }
    return first;
  }

  static double cpuSeconds(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
    return ticks / 100.0; // USER_HZ = 100 on Linux
  }

  /**
   * CPU seconds used so far by the JIT compiler threads of {@code pid} (their names start with "C1
   * CompilerThre" or "C2 CompilerThre" in /proc). A compiler thread that exited is not counted, so
   * the difference of two readings can be slightly low.
   */
  static double jitCpuSeconds(long pid) throws Exception {
    long ticks = 0;
    for (String stat : threadStats(String.valueOf(pid))) {
      String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
      }
    }
    return ticks / 100.0;
  }

  /**
   * Read and write system calls made so far by {@code pid} ({@code syscr} and {@code syscw} of
   * /proc/pid/io: every thread, sockets and files alike).
   */
  static long[] ioCalls(long pid) throws Exception {
    long[] calls = new long[2];
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
      if (line.startsWith("syscr:")) {
        calls[0] = Long.parseLong(line.substring(6).trim());
      } else if (line.startsWith("syscw:")) {
        calls[1] = Long.parseLong(line.substring(6).trim());
      }
    }
    return calls;
  }

  /**
   * The machine's busy and total CPU ticks so far, all CPUs ({@code cpu} line of /proc/stat: busy
   * is everything but idle and iowait).
   */
  static long[] machineTicks() throws Exception {
    String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
    long total = 0;
    for (int i = 1; i < f.length && i <= 8; i++) { // user..steal; guest is inside user
      total += Long.parseLong(f[i]);
    }
    long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
    return new long[] {total - idle, total};
  }

  static long peakRssKb(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  static void print(List<Result> results, long peakRssKb) {
    System.out.println();
    System.out.println(
        "| path | concurrency | requests | req/s | TTFE p50 (ms) | TTFE p99 (ms) | added TTFE p50 vs direct (ms) | proxy CPU s / 1000 req | of which JIT compiler | proxy reads / writes per req | driver + upstream CPU s / 1000 req | machine busy | driver + upstream CPU on the proxy's core |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Result r : results) {
      Result direct =
          results.stream()
              .filter(d -> d.mode.equals("direct") && d.concurrency == r.concurrency)
              .findFirst()
              .orElseThrow();
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %d | %.0f | %.2f | %.2f | %s | %s | %s | %s | %.2f | %.0f %% | %s |%n",
          r.mode,
          r.concurrency,
          r.requests,
          r.rps(),
          r.ttfeMillis(0.5),
          r.ttfeMillis(0.99),
          r.mode.equals("direct")
              ? "–"
              : String.format(Locale.ROOT, "%+.2f", r.ttfeMillis(0.5) - direct.ttfeMillis(0.5)),
          r.mode.equals("direct")
              ? "–"
              : String.format(Locale.ROOT, "%.2f", r.cpuSeconds / r.requests * 1000),
          r.mode.equals("direct")
              ? "–"
              : String.format(Locale.ROOT, "%.2f", r.jitCpuSeconds / r.requests * 1000),
          r.mode.equals("direct")
              ? "–"
              : String.format(
                  Locale.ROOT,
                  "%.0f / %.0f",
                  (double) r.readCalls / r.requests,
                  (double) r.writeCalls / r.requests),
          r.driverCpuSeconds / r.requests * 1000,
          r.machineBusy * 100,
          Double.isNaN(r.driverOnProxyCore)
              ? "–"
              : String.format(Locale.ROOT, "%.0f %%", r.driverOnProxyCore * 100));
    }
    System.out.println();
    for (int c : new int[] {1, 16, 64}) {
      double tunnel =
          results.stream()
              .filter(r -> r.mode.equals("blind tunnel") && r.concurrency == c)
              .findFirst()
              .orElseThrow()
              .rps();
      double mitm =
          results.stream()
              .filter(r -> r.mode.equals("MITM + capture") && r.concurrency == c)
              .findFirst()
              .orElseThrow()
              .rps();
      System.out.printf(
          Locale.ROOT, "c=%d: MITM / blind tunnel throughput = %.2f%n", c, mitm / tunnel);
    }
    System.out.printf(Locale.ROOT, "proxy peak RSS (VmHWM): %.0f MiB%n", peakRssKb / 1024.0);
  }
}

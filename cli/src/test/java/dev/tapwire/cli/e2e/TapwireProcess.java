package dev.tapwire.cli.e2e;

import dev.tapwire.cli.state.RunState;
import dev.tapwire.cli.state.StateFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The built {@code tapwire.jar} as a separate process: {@code tapwire run} started and stopped
 * (SIGTERM, like Ctrl-C), or a one-shot subcommand such as {@code tapwire sql}.
 */
final class TapwireProcess implements AutoCloseable {
  static final Path JAR = Path.of(System.getProperty("tapwire.jar", "target/tapwire.jar"));
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private static final List<String> JVM_OPTIONS = List.of("-Xmx768m", "-XX:+UseSerialGC");

  private final Process process;
  private final Path stdout;
  private final Path stderr;
  private final RunState state;
  private final Duration startup;

  private TapwireProcess(
      Process process, Path stdout, Path stderr, RunState state, Duration startup) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
    this.state = state;
    this.startup = startup;
  }

  /**
   * Starts {@code tapwire run --data-dir dataDir args…} and waits until its state file says it is
   * up.
   *
   * @throws IllegalStateException if it exits or is not up within 120 s
   */
  static TapwireProcess run(
      Path dataDir, Path logDir, String name, List<String> jvmOptions, List<String> args)
      throws IOException, InterruptedException {
    List<String> runArgs = new ArrayList<>(List.of("run", "--data-dir", dataDir.toString()));
    runArgs.addAll(args);
    Files.createDirectories(logDir);
    Path out = logDir.resolve(name + ".out");
    Path err = logDir.resolve(name + ".err");
    long begin = System.nanoTime();
    Process process = start(jvmOptions, runArgs, out, err);
    StateFile stateFile = new StateFile(dataDir.resolve("tapwire.state.json"));
    long deadline = begin + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      Optional<RunState> state = stateFile.readLive();
      if (state.isPresent() && state.get().pid() == process.pid()) {
        return new TapwireProcess(
            process, out, err, state.get(), Duration.ofNanos(System.nanoTime() - begin));
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "tapwire run exited with " + process.exitValue() + ":\n" + tail(err));
      }
      Thread.sleep(50);
    }
    process.destroyForcibly();
    throw new IllegalStateException("tapwire run not up within 120 s:\n" + tail(err));
  }

  /**
   * Starts {@code tapwire args…} (a long-running service such as {@code proxy}) and waits until its
   * standard error has a line matching {@code ready}.
   *
   * @return the process, and the first group of {@code ready} as its {@link #readyValue()}
   * @throws IllegalStateException if it exits or is not ready within 120 s
   */
  static TapwireProcess service(
      Path logDir,
      String name,
      List<String> jvmOptions,
      List<String> args,
      java.util.regex.Pattern ready)
      throws IOException, InterruptedException {
    Files.createDirectories(logDir);
    Path out = logDir.resolve(name + ".out");
    Path err = logDir.resolve(name + ".err");
    long begin = System.nanoTime();
    Process process = start(jvmOptions, args, out, err);
    long deadline = begin + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      for (String line : Files.readAllLines(err, StandardCharsets.UTF_8)) {
        java.util.regex.Matcher m = ready.matcher(line);
        if (m.find()) {
          TapwireProcess started =
              new TapwireProcess(
                  process, out, err, null, Duration.ofNanos(System.nanoTime() - begin));
          started.readyValue = m.groupCount() > 0 ? m.group(1) : line;
          return started;
        }
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "tapwire " + args + " exited with " + process.exitValue() + ":\n" + tail(err));
      }
      Thread.sleep(100);
    }
    process.destroyForcibly();
    throw new IllegalStateException("tapwire " + args + " not ready within 120 s:\n" + tail(err));
  }

  private String readyValue;

  /** What the ready pattern of {@link #service} captured. */
  String readyValue() {
    return readyValue;
  }

  /** Runs a one-shot subcommand and returns its exit code and output. */
  static Result oneShot(List<String> args) throws IOException, InterruptedException {
    Path out = Files.createTempFile("tapwire-oneshot", ".out");
    Path err = Files.createTempFile("tapwire-oneshot", ".err");
    try {
      Process process = start(List.of(), args, out, err);
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("tapwire " + args + " did not finish within 120 s");
      }
      return new Result(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /**
   * JVM options under which a tapwire process resolves {@code api.anthropic.com} (and this host's
   * name) to 127.0.0.1, through a hosts file written into {@code dir}: calls then take the real
   * path (CONNECT api.anthropic.com, MITM, upstream TLS) to a fake upstream whose certificate names
   * it.
   */
  static List<String> apiAnthropicOnLoopback(Path dir) throws IOException {
    Path hosts = dir.resolve("hosts");
    Files.writeString(
        hosts,
        "127.0.0.1 api.anthropic.com localhost "
            + java.net.InetAddress.getLocalHost().getHostName()
            + "\n");
    return List.of("-Djdk.net.hosts.file=" + hosts);
  }

  /** Starts {@code java <options> -jar tapwire.jar args…} with stdout and stderr to files. */
  private static Process start(List<String> jvmOptions, List<String> args, Path out, Path err)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(JAVA);
    command.addAll(JVM_OPTIONS);
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", JAR.toString()));
    command.addAll(args);
    return new ProcessBuilder(command)
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .start();
  }

  /** Exit code and output of a one-shot subcommand. */
  record Result(int exitCode, String out, String err) {}

  RunState state() {
    return state;
  }

  /** From process start to its state file naming it (JVM start included). */
  Duration startup() {
    return startup;
  }

  /** Resident set size of the process, bytes (Linux {@code /proc/<pid>/status}). */
  long residentBytes() throws IOException {
    for (String line :
        Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS for " + process.pid());
  }

  String stdout() throws IOException {
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  String stderrTail() {
    return tail(stderr);
  }

  /**
   * Stops it like Ctrl-C (SIGTERM runs the shutdown hook) and waits for the exit.
   *
   * @return the exit code
   */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("tapwire run did not stop within 60 s:\n" + tail(stderr));
    }
    return process.exitValue();
  }

  /** Kills it without warning (SIGKILL: no shutdown hook, like a crash) and waits. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("tapwire run did not die within 30 s");
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }
}

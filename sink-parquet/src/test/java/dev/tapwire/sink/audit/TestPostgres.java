package dev.tapwire.sink.audit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server for tests, one per JVM. It is zonky's embedded PostgreSQL (binaries from
 * Maven Central) unless that cannot start, e.g. as root, where initdb refuses to run; then the
 * machine's PostgreSQL 15 binaries ({@code /usr/lib/postgresql/15/bin}) are started as the {@code
 * postgres} user through {@code runuser}. Each call of {@link #newDatabase()} creates a fresh
 * database.
 */
public final class TestPostgres {

  private static final Logger log = LoggerFactory.getLogger(TestPostgres.class);
  private static final Path SYSTEM_BIN = Path.of("/usr/lib/postgresql/15/bin");
  private static TestPostgres instance;

  private final String baseUrl;
  private int databases;

  private TestPostgres(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** The shared server, started on first use. */
  public static synchronized TestPostgres get() throws Exception {
    if (instance == null) {
      instance = start();
    }
    return instance;
  }

  /** A JDBC URL of a new, empty database (user postgres, no password). */
  public synchronized String newDatabase() throws Exception {
    String name = "audit_" + (++databases);
    try (Connection c = DriverManager.getConnection(baseUrl + "postgres", "postgres", null);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return baseUrl + name;
  }

  private static TestPostgres start() throws Exception {
    try {
      EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(pg)));
      return new TestPostgres("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/");
    } catch (IOException | RuntimeException e) {
      log.warn(
          "zonky embedded PostgreSQL did not start ({}); using {}", e.getMessage(), SYSTEM_BIN);
    }
    return startSystem();
  }

  private static TestPostgres startSystem() throws Exception {
    Path dir =
        Files.createTempDirectory(
            "tapwire-pg",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
    Path data = dir.resolve("data");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      run(List.of("chown", "postgres", dir.toString()));
    }
    run(
        asPostgres(
            root,
            SYSTEM_BIN.resolve("initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8"));
    run(
        asPostgres(
            root,
            SYSTEM_BIN.resolve("pg_ctl").toString(),
            "-D",
            data.toString(),
            "-l",
            dir.resolve("log").toString(),
            "-o",
            "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off",
            "-w",
            "start"));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    run(
                        asPostgres(
                            root,
                            SYSTEM_BIN.resolve("pg_ctl").toString(),
                            "-D",
                            data.toString(),
                            "-m",
                            "immediate",
                            "stop"));
                  } catch (Exception e) {
                    log.warn("stopping test PostgreSQL failed", e);
                  }
                }));
    return new TestPostgres("jdbc:postgresql://127.0.0.1:" + port + "/");
  }

  private static List<String> asPostgres(boolean root, String... command) {
    List<String> out = new ArrayList<>();
    if (root) {
      out.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    out.addAll(List.of(command));
    return out;
  }

  private static void run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("command failed: " + command + "\n" + output);
    }
  }

  private static void closeQuietly(EmbeddedPostgres pg) {
    try {
      pg.close();
    } catch (IOException e) {
      log.warn("closing embedded PostgreSQL failed", e);
    }
  }
}

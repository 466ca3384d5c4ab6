package dev.tapwire.embedded.registry;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code src/test/node/crosscheck.js} under Node with a timeout, capturing stdout and stderr
 * for the assertion message. A missing {@code node} executable or missing {@code node_modules} (the
 * build runs {@code npm ci}) fails the test with an explanation; it never skips.
 */
final class NodeScript {
  private static final Path DIR = Path.of("src/test/node").toAbsolutePath();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final ObjectMapper json = new ObjectMapper();
  private final Path workDir;

  NodeScript(Path workDir) {
    this.workDir = workDir;
  }

  /**
   * Fails unless Node and the installed npm package are present; returns {@code node --version}.
   */
  String checkInstalled() throws IOException, InterruptedException {
    Result version;
    try {
      version = run(List.of("node", "--version"));
    } catch (IOException e) {
      return fail(
          "The Node cross-compatibility test needs `node` (Node 20+) on the PATH: "
              + e.getMessage());
    }
    if (version.exitCode != 0) {
      fail("`node --version` failed: " + version);
    }
    if (!Files.isDirectory(DIR.resolve("node_modules/@kafkajs/confluent-schema-registry"))) {
      fail(
          "npm package missing in "
              + DIR
              + "/node_modules: the build runs `npm ci` there in generate-test-resources;"
              + " run `./mvnw -pl embedded generate-test-resources` or `npm ci` in that folder");
    }
    return version.stdout.trim();
  }

  /** Runs one crosscheck command; returns its JSON answer or fails with all output. */
  JsonNode call(String command, String registryUrl, JsonNode request)
      throws IOException, InterruptedException {
    Path requestFile = Files.createTempFile(workDir, command + "-", ".json");
    Files.writeString(requestFile, json.writeValueAsString(request));
    Result result =
        run(
            List.of(
                "node",
                DIR.resolve("crosscheck.js").toString(),
                command,
                registryUrl,
                requestFile.toString()));
    if (result.exitCode != 0) {
      return fail("crosscheck.js " + command + " failed: " + result);
    }
    try {
      return json.readTree(result.stdout);
    } catch (IOException e) {
      return fail("crosscheck.js " + command + " printed no JSON: " + result);
    }
  }

  private record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
    }
  }

  private Result run(List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile(workDir, "node-", ".out");
    Path err = Files.createTempFile(workDir, "node-", ".err");
    Process process =
        new ProcessBuilder(command)
            .directory(DIR.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      fail(
          String.join(" ", command)
              + " did not finish within "
              + TIMEOUT
              + "\n--- stdout ---\n"
              + Files.readString(out, StandardCharsets.UTF_8)
              + "\n--- stderr ---\n"
              + Files.readString(err, StandardCharsets.UTF_8));
    }
    return new Result(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}

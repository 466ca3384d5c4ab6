package dev.tapwire.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapwire.testkit.upstream.AnthropicSse;
import dev.tapwire.testkit.upstream.FakeAnthropicUpstream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/**
 * The built {@code tapwire.jar}: {@code tapwire run} as a separate process on a temporary data
 * directory, traffic from the official Anthropic Java SDK and from curl through its proxy to a
 * local fake Anthropic upstream, then {@code tapwire sql} and the audit table; stop, restart, more
 * traffic: every call exactly once. Prints the start-up time, the resident memory and the latency
 * from a response's end to its row being readable from the Parquet dataset.
 */
class TapwireRunIT {
  private static final String API_KEY = "sk-ant-api03-e2e-test-key";
  private static final Pattern MESSAGE_ID = Pattern.compile("\"id\"\\s*:\\s*\"(msg_[^\"]+)\"");
  private static final Duration VISIBLE_WITHIN = Duration.ofSeconds(60);

  /** Logs and data stay under target/e2e for a look after a failure; wiped at the start. */
  private final Path work = TapwireProcess.JAR.resolveSibling("e2e");

  private final List<String> measurements = new ArrayList<>();
  private final List<Long> latenciesMillis = new ArrayList<>();

  /** Message id → number of text deltas the fake was asked for; the error call has no id. */
  private final Map<String, Integer> expectedDeltas = new HashMap<>();

  @Test
  void shouldRecordEveryCallOnceWithExactUsageAndCostAcrossRestartAndCrash() throws Exception {
    deleteRecursively(work);
    Files.createDirectories(work);
    try (FakeAnthropicUpstream upstream = FakeAnthropicUpstream.https()) {
      Path upstreamCa = upstream.writeCaPem(work.resolve("upstream-ca.pem"));
      Path data = work.resolve("data");
      List<String> jvm = TapwireProcess.apiAnthropicOnLoopback(work);
      List<String> args =
          List.of(
              "--proxy-port",
              "0",
              "--admin-port",
              "0",
              "--upstream-ca",
              upstreamCa.toString(),
              "--mitm-host",
              "api.anthropic.com",
              "--set",
              "proxy.allowed.connect.ports=" + upstream.port(),
              "--set",
              "proxy.id=e2e");

      int calls = 0;
      try (TapwireProcess run = TapwireProcess.run(data, work, "run1", jvm, args)) {
        measurements.add("start-up, empty data dir: " + run.startup().toMillis() + " ms");
        assertThat(run.stdout())
            .contains("export HTTPS_PROXY=http://127.0.0.1:" + run.state().proxyPort())
            .contains("export NODE_EXTRA_CA_CERTS=" + data.resolve("ca/tapwire-ca.pem"));
        AnthropicClient sdk = sdkClient(upstream, run);

        Message toolUse =
            streamWithSdk(
                sdk, baseParams(2).putAdditionalHeader(FakeAnthropicUpstream.TOOL, "true"));
        awaitVisible(data, ++calls);
        String toolUseId =
            toolUse.content().stream()
                .filter(ContentBlock::isToolUse)
                .findFirst()
                .orElseThrow()
                .asToolUse()
                .id();
        streamWithSdk(
            sdk,
            baseParams(4)
                .addMessage(toolUse)
                .addUserMessageOfContentBlockParams(
                    List.of(
                        ContentBlockParam.ofToolResult(
                            ToolResultBlockParam.builder()
                                .toolUseId(toolUseId)
                                .content("18 °C")
                                .build()))));
        awaitVisible(data, ++calls);

        Message plain = sdk.messages().create(baseParams(3).build());
        expectedDeltas.put(plain.id(), 3);
        awaitVisible(data, ++calls);

        assertThatThrownBy(
                () ->
                    sdk.messages()
                        .create(
                            baseParams(1)
                                .putAdditionalHeader(FakeAnthropicUpstream.FAILURE, "overloaded")
                                .build()))
            .isInstanceOfSatisfying(
                AnthropicServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(529));
        awaitVisible(data, ++calls);

        curl(run, upstream, 1, true);
        awaitVisible(data, ++calls);

        measurements.add(
            "resident memory after "
                + calls
                + " calls: "
                + run.residentBytes() / (1024 * 1024)
                + " MiB");
        awaitAuditRows(data, calls);
        assertThat(run.stop()).isIn(0, 130, 143);
      }
      assertThat(data.resolve("tapwire.state.json")).doesNotExist();

      try (TapwireProcess run = TapwireProcess.run(data, work, "run2", jvm, args)) {
        measurements.add("start-up, existing data dir: " + run.startup().toMillis() + " ms");
        AnthropicClient sdk = sdkClient(upstream, run);

        Message afterRestart = sdk.messages().create(baseParams(5).build());
        expectedDeltas.put(afterRestart.id(), 5);
        awaitVisible(data, ++calls);

        curl(run, upstream, 2, false);
        awaitVisible(data, ++calls);

        awaitAuditRows(data, calls);
        assertCallsThroughTapwireSql(data, calls);
        assertAuditTableHoldsTheSameCalls(data);

        TapwireProcess.Result status =
            TapwireProcess.oneShot(List.of("status", "--data-dir", data.toString()));
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out())
            .as(status.out())
            .containsPattern("tapwire run: +up \\(pid " + run.state().pid())
            .containsPattern("flows captured: +2 since start")
            .containsPattern("spool depth: +0 events")
            .containsPattern("calls \\(Parquet\\): +" + calls + "\n")
            .containsPattern("audit rows \\(SQLite\\): +" + calls + "\n")
            .containsPattern("lag tapwire-processor: +0 offsets");
        run.kill();
      }
      assertThat(data.resolve("tapwire.state.json")).as("left behind by the crash").exists();

      try (TapwireProcess run = TapwireProcess.run(data, work, "run3", jvm, args)) {
        measurements.add("start-up after a crash (SIGKILL): " + run.startup().toMillis() + " ms");
        Message afterCrash = sdkClient(upstream, run).messages().create(baseParams(6).build());
        expectedDeltas.put(afterCrash.id(), 6);
        awaitVisible(data, ++calls);
        awaitAuditRows(data, calls);
        assertCallsThroughTapwireSql(data, calls);
        assertAuditTableHoldsTheSameCalls(data);
        run.stop();
      }
    } finally {
      report();
    }
  }

  private static void deleteRecursively(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  private static MessageCreateParams.Builder baseParams(int textDeltas) {
    return MessageCreateParams.builder()
        .model(AnthropicSse.MODEL)
        .maxTokens(1024)
        .addUserMessage("What is the weather in Lisbon?")
        .putAdditionalHeader(FakeAnthropicUpstream.EVENTS, Integer.toString(textDeltas));
  }

  private Message streamWithSdk(AnthropicClient sdk, MessageCreateParams.Builder params) {
    MessageCreateParams built = params.build();
    int deltas = Integer.parseInt(built._headers().values(FakeAnthropicUpstream.EVENTS).get(0));
    MessageAccumulator accumulator = MessageAccumulator.create();
    try (StreamResponse<RawMessageStreamEvent> stream = sdk.messages().createStreaming(built)) {
      stream.stream().forEach(accumulator::accumulate);
    }
    Message message = accumulator.message();
    expectedDeltas.put(message.id(), deltas);
    return message;
  }

  private void curl(
      TapwireProcess run, FakeAnthropicUpstream upstream, int textDeltas, boolean stream)
      throws Exception {
    String body =
        "{\"model\":\""
            + AnthropicSse.MODEL
            + "\",\"max_tokens\":256,\"stream\":"
            + stream
            + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello from curl\"}]}";
    Process curl =
        new ProcessBuilder(
                "curl",
                "-sS",
                "--fail-with-body",
                "--proxy",
                "http://127.0.0.1:" + run.state().proxyPort(),
                "--cacert",
                run.state().caCertificate(),
                "-H",
                "x-api-key: " + API_KEY,
                "-H",
                "anthropic-version: 2023-06-01",
                "-H",
                "content-type: application/json",
                "-H",
                FakeAnthropicUpstream.EVENTS + ": " + textDeltas,
                "--data-binary",
                body,
                anthropicUrl(upstream) + "/v1/messages")
            .redirectErrorStream(true)
            .start();
    String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(curl.exitValue()).as(output).isZero();
    Matcher id = MESSAGE_ID.matcher(output);
    assertThat(id.find()).as(output).isTrue();
    expectedDeltas.put(id.group(1), textDeltas);
  }

  /** Polls the calls dataset until it holds {@code expected} rows; records the latency. */
  private void awaitVisible(Path data, int expected) throws Exception {
    long responseEnd = System.nanoTime();
    long deadline = responseEnd + VISIBLE_WITHIN.toNanos();
    long rows = 0;
    while (System.nanoTime() < deadline) {
      rows = parquetRows(data);
      if (rows >= expected) {
        latenciesMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - responseEnd));
        assertThat(rows).as("rows in the calls dataset").isEqualTo(expected);
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "call "
            + expected
            + " not in the calls dataset within "
            + VISIBLE_WITHIN
            + " (rows: "
            + rows
            + ")");
  }

  private static long parquetRows(Path data) throws SQLException {
    if (!Files.isDirectory(data.resolve("parquet/calls"))) {
      return 0;
    }
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = duck.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT count(*) FROM read_parquet('"
                    + data.resolve("parquet/calls")
                    + "/**/*.parquet', hive_partitioning=true)")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      if (e.getMessage() != null && e.getMessage().contains("No files found")) {
        return 0;
      }
      throw e;
    }
  }

  private void assertCallsThroughTapwireSql(Path data, int calls) throws Exception {
    TapwireProcess.Result sql =
        TapwireProcess.oneShot(
            List.of(
                "sql",
                "--data-dir",
                data.toString(),
                "--format",
                "json",
                "SELECT CAST(call_id AS VARCHAR) AS call_id, identity.message_id AS message_id,"
                    + " CAST(outcome AS VARCHAR) AS outcome, response.status AS status,"
                    + " response.error_type AS error_type, request.model AS model,"
                    + " usage.input_tokens AS input_tokens, usage.output_tokens AS output_tokens,"
                    + " usage.cache_read_input_tokens AS cache_read,"
                    + " usage.cache_creation_input_tokens AS cache_creation,"
                    + " usage.cache_creation_5m_input_tokens AS cache_5m,"
                    + " usage.cache_creation_1h_input_tokens AS cache_1h,"
                    + " CAST(cost.status AS VARCHAR) AS cost_status, cost.total_usd AS cost"
                    + " FROM calls ORDER BY timing.start"));
    assertThat(sql.exitCode()).as(sql.err()).isZero();
    JsonNode rows = new ObjectMapper().readTree(sql.out());
    assertThat(rows).as(sql.out()).hasSize(calls);

    Set<String> callIds = new HashSet<>();
    Set<String> messageIds = new HashSet<>();
    int errors = 0;
    for (JsonNode row : rows) {
      callIds.add(row.get("call_id").asText());
      assertThat(row.get("model").asText()).as(row.toString()).isEqualTo(AnthropicSse.MODEL);
      if (row.get("status").asInt() == 529) {
        errors++;
        assertThat(row.get("outcome").asText()).isEqualTo("ERROR_RESPONSE");
        assertThat(row.get("error_type").asText()).isEqualTo("overloaded_error");
        continue;
      }
      String messageId = row.get("message_id").asText();
      messageIds.add(messageId);
      assertThat(expectedDeltas).as("message ids the clients received").containsKey(messageId);
      int deltas = expectedDeltas.get(messageId);
      assertThat(row.get("outcome").asText()).isEqualTo("COMPLETE");
      assertThat(row.get("status").asInt()).isEqualTo(200);
      assertThat(row.get("input_tokens").asLong()).isEqualTo(AnthropicSse.INPUT_TOKENS);
      assertThat(row.get("output_tokens").asLong()).isEqualTo(AnthropicSse.outputTokens(deltas));
      assertThat(row.get("cache_read").asLong()).isEqualTo(AnthropicSse.CACHE_READ);
      assertThat(row.get("cache_5m").asLong()).isEqualTo(AnthropicSse.CACHE_CREATION_5M);
      assertThat(row.get("cache_1h").asLong()).isEqualTo(AnthropicSse.CACHE_CREATION_1H);
      assertThat(row.get("cache_creation").asLong())
          .isEqualTo(AnthropicSse.CACHE_CREATION_5M + AnthropicSse.CACHE_CREATION_1H);
      assertThat(row.get("cost_status").asText()).isEqualTo("PRICED");
      assertThat(row.get("cost").decimalValue()).isEqualByComparingTo(expectedCost(deltas));
    }
    assertThat(callIds).hasSize(calls);
    assertThat(errors).isEqualTo(1);
    assertThat(messageIds).isEqualTo(expectedDeltas.keySet());
    this.callIds = callIds;
  }

  private Set<String> callIds;

  /**
   * Claude Sonnet 4.5 list prices, USD per million tokens: input 3, 5-minute cache write 3.75,
   * 1-hour cache write 6, cache read 0.30, output 15 (DESIGN.md "Prices").
   */
  private static BigDecimal expectedCost(int textDeltas) {
    BigDecimal perMillion =
        new BigDecimal(AnthropicSse.INPUT_TOKENS)
            .multiply(new BigDecimal("3"))
            .add(new BigDecimal(AnthropicSse.CACHE_CREATION_5M).multiply(new BigDecimal("3.75")))
            .add(new BigDecimal(AnthropicSse.CACHE_CREATION_1H).multiply(new BigDecimal("6")))
            .add(new BigDecimal(AnthropicSse.CACHE_READ).multiply(new BigDecimal("0.30")))
            .add(
                new BigDecimal(AnthropicSse.outputTokens(textDeltas))
                    .multiply(new BigDecimal("15")));
    return perMillion.movePointLeft(6);
  }

  private static long auditRows(Path data) throws SQLException {
    if (!Files.exists(data.resolve("audit.db"))) {
      return 0;
    }
    try (Connection sqlite =
            DriverManager.getConnection("jdbc:sqlite:" + data.resolve("audit.db"));
        Statement statement = sqlite.createStatement();
        ResultSet rs = statement.executeQuery("SELECT count(*) FROM audit_calls")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      if (e.getMessage() != null && e.getMessage().contains("no such table")) {
        return 0;
      }
      throw e;
    }
  }

  private static void awaitAuditRows(Path data, int expected) throws Exception {
    long deadline = System.nanoTime() + VISIBLE_WITHIN.toNanos();
    long rows = 0;
    while (System.nanoTime() < deadline) {
      rows = auditRows(data);
      if (rows >= expected) {
        assertThat(rows).as("audit rows").isEqualTo(expected);
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("audit table has " + rows + " rows, expected " + expected);
  }

  private void assertAuditTableHoldsTheSameCalls(Path data) throws SQLException {
    Set<String> audited = new HashSet<>();
    Map<String, Long> outputTokens = new HashMap<>();
    try (Connection sqlite =
            DriverManager.getConnection("jdbc:sqlite:" + data.resolve("audit.db"));
        Statement statement = sqlite.createStatement();
        ResultSet rs =
            statement.executeQuery("SELECT call_id, http_status, output_tokens FROM audit_calls")) {
      while (rs.next()) {
        audited.add(rs.getString(1));
        outputTokens.put(rs.getString(1), rs.getLong(3));
      }
    }
    assertThat(audited).isEqualTo(callIds);
  }

  private AnthropicClient sdkClient(FakeAnthropicUpstream upstream, TapwireProcess run)
      throws Exception {
    X509TrustManager trust = trustManager(Path.of(run.state().caCertificate()));
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
    return AnthropicOkHttpClient.builder()
        .baseUrl(anthropicUrl(upstream))
        .apiKey(API_KEY)
        .proxy(
            new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", run.state().proxyPort())))
        .sslSocketFactory(tls.getSocketFactory())
        .trustManager(trust)
        .maxRetries(0)
        .build();
  }

  /** api.anthropic.com on the fake upstream's port (resolved by the proxy to 127.0.0.1). */
  private static String anthropicUrl(FakeAnthropicUpstream upstream) {
    return "https://api.anthropic.com:" + upstream.port();
  }

  private static X509TrustManager trustManager(Path caPem) throws Exception {
    X509Certificate ca;
    try (InputStream in = Files.newInputStream(caPem)) {
      ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    store.setCertificateEntry("tapwire", ca);
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return (X509TrustManager) factory.getTrustManagers()[0];
  }

  private void report() throws Exception {
    List<String> lines = new ArrayList<>(measurements);
    lines.add(
        "response end -> row readable in the calls dataset, per call (ms): " + latenciesMillis);
    lines.add(
        "  max "
            + latenciesMillis.stream().mapToLong(Long::longValue).max().orElse(-1)
            + " ms, median "
            + latenciesMillis.stream()
                .sorted()
                .skip(latenciesMillis.size() / 2)
                .findFirst()
                .orElse(-1L)
            + " ms");
    Path out = TapwireProcess.JAR.resolveSibling("e2e-measurements.txt");
    Files.write(out, lines, StandardCharsets.UTF_8);
    lines.forEach(line -> System.out.println("[e2e] " + line));
  }
}

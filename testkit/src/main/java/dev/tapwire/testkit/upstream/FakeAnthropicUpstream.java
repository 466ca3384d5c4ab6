package dev.tapwire.testkit.upstream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * A local stand-in for {@code api.anthropic.com} on 127.0.0.1 (HTTPS with a certificate from its
 * own {@link TestCertificateAuthority}, or plain HTTP), for tests on both sides of a proxy.
 *
 * <p>Endpoints:
 *
 * <ul>
 *   <li>{@code POST /v1/messages}: a non-streaming Message, or SSE when the JSON body has {@code
 *       "stream": true}; each SSE frame is flushed as its own chunk;
 *   <li>{@code POST /v1/messages/count_tokens}: {@code {"input_tokens": N}};
 *   <li>{@code POST /echo}: the request body back, chunked, same content type;
 *   <li>{@code POST /upload}: consumes the body, answers {@code {"sha256":…,"bytes":…}};
 *   <li>{@code GET /bytes?n=N[&chunked=true]}: N deterministic pseudo-random bytes.
 * </ul>
 *
 * <p>Per-request behaviour through request headers: {@value #EVENTS} (text deltas, default 3),
 * {@value #DELAY_MS} (between SSE frames), {@value #FIRST_TOKEN_MS} (after the first frame only),
 * {@value #TOOL} ({@code true}: add a tool_use block), {@value #FAILURE} ({@code overloaded}: HTTP
 * 529; {@code error-event}: an {@code error} event mid-stream; {@code reset}: the connection is
 * dropped mid-stream without the final chunk), {@value #HOLD} ({@code true}: after the first frame,
 * wait for {@link #releaseHeldStreams()}).
 *
 * <p>Every answered request is recorded ({@link #takeRequest}) with the SHA-256 of both bodies.
 */
public final class FakeAnthropicUpstream implements AutoCloseable {
  /** Header: number of text deltas in a streamed message. */
  public static final String EVENTS = "x-fake-events";

  /** Header: milliseconds between SSE frames. */
  public static final String DELAY_MS = "x-fake-delay-ms";

  /**
   * Header: milliseconds between the first SSE frame ({@code message_start}) and the rest, as a
   * model's time to first token separates them on the real API.
   */
  public static final String FIRST_TOKEN_MS = "x-fake-first-token-ms";

  /** Header: {@code overloaded}, {@code error-event} or {@code reset}. */
  public static final String FAILURE = "x-fake-failure";

  /** Header: {@code true} holds a stream open after its first frame. */
  public static final String HOLD = "x-fake-hold";

  /** Header: {@code true} adds a tool_use content block. */
  public static final String TOOL = "x-fake-tool";

  static {
    // the JDK server leaves Nagle's algorithm on by default; a real API server flushes SSE frames
    // without waiting for ACKs, so turn it off unless the caller decided otherwise
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private static final Pattern STREAM_TRUE = Pattern.compile("\"stream\"\\s*:\\s*true");
  private final HttpServer server;
  private final TestCertificateAuthority ca;
  private final ExecutorService executor;
  private final LinkedBlockingQueue<RecordedRequest> recorded = new LinkedBlockingQueue<>();
  private final AtomicReference<CountDownLatch> hold = new AtomicReference<>(new CountDownLatch(1));
  private final AtomicInteger heldNow = new AtomicInteger();
  private final AtomicInteger messageCounter = new AtomicInteger();

  private FakeAnthropicUpstream(boolean tls) throws IOException {
    InetSocketAddress bind = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    if (tls) {
      ca = new TestCertificateAuthority();
      HttpsServer https = HttpsServer.create(bind, 256);
      https.setHttpsConfigurator(new HttpsConfigurator(ca.serverSslContext()));
      server = https;
    } else {
      ca = null;
      server = HttpServer.create(bind, 256);
    }
    executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "fake-upstream");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts an HTTPS fake upstream with a new test CA. */
  public static FakeAnthropicUpstream https() {
    try {
      return new FakeAnthropicUpstream(true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts a plain-HTTP fake upstream (for absolute-form {@code http://} proxy tests). */
  public static FakeAnthropicUpstream http() {
    try {
      return new FakeAnthropicUpstream(false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The bound port on 127.0.0.1. */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * Base URI with host {@code localhost} (matches the certificate), e.g. https://localhost:1234.
   */
  public URI baseUri() {
    return URI.create((ca != null ? "https" : "http") + "://localhost:" + port());
  }

  /** The CA certificate that issued the server certificate (HTTPS only). */
  public X509Certificate caCertificate() {
    requireTls();
    return ca.caCertificate();
  }

  /** Writes the CA certificate as PEM to {@code file} (HTTPS only) and returns the path. */
  public Path writeCaPem(Path file) {
    requireTls();
    return ca.writeCaPem(file);
  }

  /** Releases every stream currently held by {@value #HOLD}; later held streams wait again. */
  public void releaseHeldStreams() {
    hold.getAndSet(new CountDownLatch(1)).countDown();
  }

  /** Number of streams waiting in {@value #HOLD} right now. */
  public int heldStreams() {
    return heldNow.get();
  }

  /**
   * The next recorded request (recorded once its response is finished or aborted).
   *
   * @throws AssertionError if none arrives within the timeout
   */
  public RecordedRequest takeRequest(Duration timeout) throws InterruptedException {
    RecordedRequest r = recorded.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (r == null) {
      throw new AssertionError("no request reached the fake upstream within " + timeout);
    }
    return r;
  }

  /**
   * The next recorded request whose origin-form target starts with {@code pathPrefix}; requests for
   * other paths stay recorded.
   *
   * @throws AssertionError if none arrives within the timeout
   */
  public RecordedRequest takeRequest(String pathPrefix, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (RecordedRequest r : recorded) {
        if (r.pathAndQuery().startsWith(pathPrefix) && recorded.remove(r)) {
          return r;
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError(
        "no request for " + pathPrefix + " reached the fake upstream within " + timeout);
  }

  /** Requests recorded and not yet taken. */
  public List<RecordedRequest> drainRequests() {
    List<RecordedRequest> out = new ArrayList<>();
    recorded.drainTo(out);
    return out;
  }

  @Override
  public void close() {
    releaseHeldStreams();
    server.stop(0);
    executor.shutdownNow();
  }

  private void requireTls() {
    if (ca == null) {
      throw new IllegalStateException("plain-HTTP upstream has no CA");
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    MessageDigest requestDigest = sha256();
    byte[] body;
    long requestBytes = 0;
    java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
    String path = exchange.getRequestURI().getPath();
    boolean keepBody = path.startsWith("/v1/");
    try (InputStream in = exchange.getRequestBody()) {
      byte[] buffer = new byte[64 * 1024];
      int n;
      boolean echo = path.equals("/echo");
      CountingDigestOutputStream echoOut = null;
      if (echo) {
        String type = exchange.getRequestHeaders().getFirst("content-type");
        exchange
            .getResponseHeaders()
            .set("content-type", type == null ? "application/octet-stream" : type);
        exchange.sendResponseHeaders(200, 0);
        echoOut = new CountingDigestOutputStream(exchange.getResponseBody());
      }
      while ((n = in.read(buffer)) > 0) {
        requestDigest.update(buffer, 0, n);
        requestBytes += n;
        if (keepBody) {
          kept.write(buffer, 0, n);
        }
        if (echoOut != null) {
          echoOut.write(buffer, 0, n);
          echoOut.flush();
        }
      }
      if (echoOut != null) {
        echoOut.close();
        record(exchange, requestDigest, requestBytes, 200, echoOut);
        return;
      }
    }
    body = kept.toByteArray();
    String requestSha = HexFormat.of().formatHex(requestDigest.digest());
    long finalRequestBytes = requestBytes;
    Responder responder =
        (status, out) ->
            recorded.add(
                new RecordedRequest(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().toString(),
                    copyHeaders(exchange),
                    requestSha,
                    finalRequestBytes,
                    status,
                    out.hex(),
                    out.count));
    String method = exchange.getRequestMethod();
    if (method.equals("POST") && path.equals("/v1/messages")) {
      messages(exchange, new String(body, StandardCharsets.UTF_8), responder);
    } else if (method.equals("POST") && path.equals("/v1/messages/count_tokens")) {
      fixed(
          exchange,
          200,
          "application/json",
          "{\"input_tokens\":" + (body.length / 4) + "}",
          responder);
    } else if (method.equals("POST") && path.equals("/upload")) {
      fixed(
          exchange,
          200,
          "application/json",
          "{\"sha256\":\"" + requestSha + "\",\"bytes\":" + requestBytes + "}",
          responder);
    } else if (path.equals("/bytes")) {
      bytes(exchange, responder);
    } else {
      fixed(
          exchange,
          404,
          "application/json",
          "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"no such endpoint\"}}",
          responder);
    }
  }

  private interface Responder {
    void done(int status, CountingDigestOutputStream out);
  }

  private void record(
      HttpExchange exchange,
      MessageDigest requestDigest,
      long requestBytes,
      int status,
      CountingDigestOutputStream out) {
    recorded.add(
        new RecordedRequest(
            exchange.getRequestMethod(),
            exchange.getRequestURI().toString(),
            copyHeaders(exchange),
            HexFormat.of().formatHex(requestDigest.digest()),
            requestBytes,
            status,
            out.hex(),
            out.count));
  }

  private void messages(HttpExchange exchange, String body, Responder responder)
      throws IOException {
    String failure = header(exchange, FAILURE, "");
    int events = Integer.parseInt(header(exchange, EVENTS, "3"));
    long delayMs = Long.parseLong(header(exchange, DELAY_MS, "0"));
    long firstTokenMs = Long.parseLong(header(exchange, FIRST_TOKEN_MS, "0"));
    boolean tool = Boolean.parseBoolean(header(exchange, TOOL, "false"));
    String messageId = "msg_fake_" + messageCounter.incrementAndGet();
    exchange.getResponseHeaders().set("request-id", "req_fake_" + messageCounter.get());
    exchange.getResponseHeaders().set("anthropic-ratelimit-unified-5h-utilization", "0.25");
    if (failure.equals("overloaded")) {
      fixed(exchange, 529, "application/json", AnthropicSse.overloadedBody(), responder);
      return;
    }
    if (!STREAM_TRUE.matcher(body).find()) {
      fixed(exchange, 200, "application/json", AnthropicSse.message(messageId, events), responder);
      return;
    }
    exchange.getResponseHeaders().set("content-type", "text/event-stream; charset=utf-8");
    exchange.getResponseHeaders().set("cache-control", "no-cache");
    exchange.sendResponseHeaders(200, 0);
    CountingDigestOutputStream out = new CountingDigestOutputStream(exchange.getResponseBody());
    List<String> frames = AnthropicSse.streamFrames(messageId, events, tool);
    boolean holdStream = Boolean.parseBoolean(header(exchange, HOLD, "false"));
    try {
      for (int i = 0; i < frames.size(); i++) {
        if (i == frames.size() / 2 && failure.equals("error-event")) {
          out.write(AnthropicSse.errorFrame().getBytes(StandardCharsets.UTF_8));
          out.flush();
          break;
        }
        if (i == frames.size() / 2 && failure.equals("reset")) {
          responder.done(200, out);
          throw new IOException("fake upstream resets the stream as asked by " + FAILURE);
        }
        out.write(frames.get(i).getBytes(StandardCharsets.UTF_8));
        out.flush();
        if (i == 0 && holdStream) {
          CountDownLatch latch = hold.get();
          heldNow.incrementAndGet();
          try {
            latch.await(60, TimeUnit.SECONDS);
          } finally {
            heldNow.decrementAndGet();
          }
        }
        if (i == 0 && firstTokenMs > 0) {
          Thread.sleep(firstTokenMs);
        }
        if (delayMs > 0) {
          Thread.sleep(delayMs);
        }
      }
      out.close();
      responder.done(200, out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      responder.done(200, out);
      throw new IOException("interrupted", e);
    } catch (IOException e) {
      if (!failure.equals("reset")) {
        responder.done(200, out);
      }
      throw e;
    }
  }

  private void bytes(HttpExchange exchange, Responder responder) throws IOException {
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    long n = Long.parseLong(query.getOrDefault("n", "0"));
    boolean chunked = Boolean.parseBoolean(query.getOrDefault("chunked", "false"));
    exchange.getResponseHeaders().set("content-type", "application/octet-stream");
    exchange.sendResponseHeaders(200, chunked ? 0 : (n == 0 ? -1 : n));
    CountingDigestOutputStream out = new CountingDigestOutputStream(exchange.getResponseBody());
    byte[] buffer = new byte[32 * 1024];
    java.util.Random random = new java.util.Random(n);
    long left = n;
    while (left > 0) {
      random.nextBytes(buffer);
      int len = (int) Math.min(buffer.length, left);
      out.write(buffer, 0, len);
      left -= len;
    }
    out.close();
    responder.done(200, out);
  }

  private static void fixed(
      HttpExchange exchange, int status, String type, String body, Responder responder)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("content-type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    CountingDigestOutputStream out = new CountingDigestOutputStream(exchange.getResponseBody());
    out.write(bytes);
    out.close();
    responder.done(status, out);
  }

  private static String header(HttpExchange exchange, String name, String fallback) {
    String value = exchange.getRequestHeaders().getFirst(name);
    return value == null ? fallback : value.trim();
  }

  private static Map<String, List<String>> copyHeaders(HttpExchange exchange) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    exchange
        .getRequestHeaders()
        .forEach((k, v) -> copy.put(k.toLowerCase(java.util.Locale.ROOT), List.copyOf(v)));
    return copy;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return out;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Counts and hashes what goes out. */
  private static final class CountingDigestOutputStream extends FilterOutputStream {
    private final MessageDigest digest = sha256();
    private long count;
    private String hex;

    CountingDigestOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      digest.update(b, off, len);
      count += len;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    String hex() {
      if (hex == null) {
        hex = HexFormat.of().formatHex(digest.digest());
      }
      return hex;
    }
  }
}

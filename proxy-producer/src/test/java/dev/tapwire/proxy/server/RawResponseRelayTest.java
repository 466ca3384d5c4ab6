package dev.tapwire.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.avro.ErrorKind;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.Termination;
import dev.tapwire.proxy.FlowAssertions;
import dev.tapwire.proxy.ProxyHarness;
import dev.tapwire.proxy.RawClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Responses reach the client as the upstream's own bytes, and what the proxy must still understand
 * about them (where a head ends, that a HEAD response has no body, when a connection must close)
 * holds. The upstream is a plain socket that answers each request path with scripted bytes, so the
 * tests can send framing no HTTP library would produce.
 */
class RawResponseRelayTest {
  static final String SSE_PAYLOAD = "event: ping\ndata: {\"a\":1}\n\n" + "data: 0123\r\n";
  static final String CHUNKED_SSE =
      "HTTP/1.1 200 OK\r\n"
          + "content-type: text/event-stream\r\n"
          + "x-MiXeD-Case:   spaced value\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n"
          + "1b;name=value\r\n"
          + "event: ping\ndata: {\"a\":1}\n\n\r\n"
          + "C; a=\"quoted\"\r\n"
          + "data: 0123\r\n\r\n"
          + "0\r\n"
          + "X-Trailer: t\r\n\r\n";

  static final Map<String, String> SCRIPT = new ConcurrentHashMap<>();
  static final List<String> SEEN_PATHS = new java.util.concurrent.CopyOnWriteArrayList<>();
  static ServerSocket upstream;
  static ProxyHarness harness;

  @BeforeAll
  static void start() throws Exception {
    SCRIPT.put("/chunked", CHUNKED_SSE);
    SCRIPT.put("/malformed", "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n");
    SCRIPT.put("/head", "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
    SCRIPT.put("/after-head", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(RawResponseRelayTest::acceptLoop, "scripted-upstream");
    acceptor.setDaemon(true);
    acceptor.start();
    harness = new ProxyHarness(null, Map.of());
  }

  @AfterAll
  static void stop() throws IOException {
    harness.close();
    upstream.close();
  }

  @Test
  void shouldRelayChunkedResponseByteForByteWithExtensionsTrailersAndHeaderCase() throws Exception {
    try (RawClient client = new RawClient(harness.proxy.port())) {
      client.send(get("/chunked"));
      assertThat(readExactly(client, CHUNKED_SSE.length())).isEqualTo(CHUNKED_SSE);
    }
    List<FlowEvent> flow = harness.sink.awaitEndedFlow("/chunked");
    FlowAssertions.Bodies bodies = FlowAssertions.assertCompleteFlow(flow);
    // capture records the payload without the chunk framing
    assertThat(new String(bodies.response(), StandardCharsets.ISO_8859_1)).isEqualTo(SSE_PAYLOAD);
  }

  @Test
  void shouldAnswer502AndRelayNothingWhenTheUpstreamResponseHeadIsMalformed() throws Exception {
    String response;
    try (RawClient client = new RawClient(harness.proxy.port())) {
      client.send(get("/malformed"));
      response = new String(client.readAll(), StandardCharsets.ISO_8859_1);
    }
    assertThat(response).startsWith("HTTP/1.1 502 ").contains("X-Tapwire-Error: true");
    assertThat(response).doesNotContain("HTTP/1.1 2x0 OK"); // the upstream's head was held back
    FlowAssertions.assertFailedFlow(
        harness.sink.awaitEndedFlow("/malformed"),
        ErrorKind.UPSTREAM_RESET,
        Termination.PROXY_ERROR);
  }

  @Test
  void shouldEndTheResponseToHeadAtItsHeadDespiteContentLength() throws Exception {
    String headResponse = SCRIPT.get("/head");
    String next = SCRIPT.get("/after-head");
    try (RawClient client = new RawClient(harness.proxy.port())) {
      client.send(request("HEAD", "/head", ""));
      assertThat(readExactly(client, headResponse.length())).isEqualTo(headResponse);
      // only relayed once the proxy saw the HEAD response as complete
      client.send(get("/after-head"));
      assertThat(readExactly(client, next.length())).isEqualTo(next);
    }
    assertThat(terminationOf(harness.sink.awaitEndedFlow("/head"))).isEqualTo(Termination.COMPLETE);
    List<FlowEvent> after = harness.sink.awaitEndedFlow("/after-head");
    assertThat(new String(FlowAssertions.assertCompleteFlow(after).response())).isEqualTo("ok");
  }

  @Test
  void shouldRefuseARequestWithBothTransferEncodingAndContentLength() throws Exception {
    String response;
    try (RawClient client = new RawClient(harness.proxy.port())) {
      client.send(
          "POST "
              + url("/smuggle")
              + " HTTP/1.1\r\nHost: upstream\r\nTransfer-Encoding: chunked\r\n"
              + "Content-Length: 5\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
      response = new String(client.readAll(), StandardCharsets.ISO_8859_1); // needs the close
    }
    // a request smuggling pattern (RFC 9112 §6.3): never forwarded
    assertThat(response).startsWith("HTTP/1.1 400 ").contains("Transfer-Encoding");
    assertThat(harness.sink.awaitError(ErrorKind.MALFORMED_REQUEST).getStatusSent()).isEqualTo(400);
    assertThat(SEEN_PATHS).doesNotContain("/smuggle");
  }

  private static Termination terminationOf(List<FlowEvent> flow) {
    return ((dev.tapwire.avro.FlowEnd) flow.get(flow.size() - 1).getPayload()).getTermination();
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + upstream.getLocalPort() + path;
  }

  private static String get(String path) {
    return request("GET", path, "");
  }

  private static String request(String method, String path, String extraHeaders) {
    return method + " " + url(path) + " HTTP/1.1\r\nHost: upstream\r\n" + extraHeaders + "\r\n";
  }

  private static String readExactly(RawClient client, int n) throws IOException {
    byte[] bytes = client.socket.getInputStream().readNBytes(n);
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  // ---- the scripted upstream ----------------------------------------------------------------

  private static void acceptLoop() {
    while (!upstream.isClosed()) {
      try {
        Socket socket = upstream.accept();
        Thread t = new Thread(() -> serve(socket), "scripted-upstream-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  /** Reads requests (head, then a Content-Length or chunked body) and answers each by its path. */
  private static void serve(Socket socket) {
    try (socket;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream()) {
      String head;
      while ((head = readLine(in, "\r\n\r\n")) != null) {
        String path = head.split(" ")[1];
        SEEN_PATHS.add(path);
        String lower = head.toLowerCase();
        if (lower.contains("transfer-encoding: chunked")) {
          readLine(in, "0\r\n\r\n");
        } else if (lower.contains("content-length: ")) {
          int at = lower.indexOf("content-length: ") + 16;
          int length = Integer.parseInt(lower.substring(at, lower.indexOf('\r', at)).trim());
          in.readNBytes(length);
        }
        out.write(
            SCRIPT
                .getOrDefault(path, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      }
    } catch (IOException e) {
      // the proxy closed the connection
    }
  }

  /** Bytes up to and including {@code end}, or null at end of stream. */
  private static String readLine(InputStream in, String end) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      buf.write(b);
      String s = buf.toString(StandardCharsets.ISO_8859_1);
      if (s.endsWith(end)) {
        return s;
      }
    }
    return null;
  }
}

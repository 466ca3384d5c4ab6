package dev.tapwire.proxy.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Responses the proxy itself sends: plain text a person can act on, then the connection closes. */
final class ErrorResponses {
  private ErrorResponses() {}

  static FullHttpResponse plain(ByteBufAllocator alloc, HttpResponseStatus status, String message) {
    ByteBuf body = alloc.buffer();
    body.writeCharSequence("Tapwire proxy: " + message + "\n", StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    response.headers().set("X-Tapwire-Error", "true");
    return response;
  }

  /** A complete raw HTTP/1.1 response, for writing below the HTTP codec. */
  static ByteBuf raw(ByteBufAllocator alloc, HttpResponseStatus status, String message) {
    String body = "Tapwire proxy: " + message + "\n";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 "
            + status
            + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
            + bytes.length
            + "\r\nConnection: close\r\nX-Tapwire-Error: true\r\n\r\n";
    ByteBuf buf = alloc.buffer();
    buf.writeCharSequence(head, StandardCharsets.US_ASCII);
    buf.writeBytes(bytes);
    return buf;
  }

  /** The message of the innermost cause of {@code t}, for error responses, events and logs. */
  static String rootMessage(Throwable t) {
    if (t == null) {
      return "unknown error";
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return m == null ? root.getClass().getSimpleName() : m;
  }
}

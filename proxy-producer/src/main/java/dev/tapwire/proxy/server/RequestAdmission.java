package dev.tapwire.proxy.server;

import dev.tapwire.avro.CaptureMode;
import dev.tapwire.avro.ErrorKind;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * Admission policy of the client side, consulted by {@link ClientToProxyHandler} before anything is
 * relayed: the connection limit ({@code proxy.max.connections}) when a client connects, then for
 * each clientToProxyRequest, in this order, the decoder limits, block mode ({@code
 * proxy.on.capture.failure=block}), Basic proxy authentication (forward listener, outside a
 * tunnel), where CONNECT is accepted, the CONNECT port allow-list ({@code
 * proxy.allowed.connect.ports}) and the route. Stateless; it only answers with an {@link
 * Admission}, the handler acts on it.
 */
final class RequestAdmission {

  /** What to do with one clientToProxyRequest. */
  sealed interface Admission permits Refused, Tunnel, Forward {}

  /**
   * Refuse with an error response.
   *
   * @param target the target to record, or null
   */
  record Refused(HttpResponseStatus status, ErrorKind kind, String message, String target)
      implements Admission {}

  /** An accepted CONNECT: a decrypted tunnel if {@code decrypt}, else a blind one. */
  record Tunnel(Target target, boolean decrypt) implements Admission {}

  /**
   * A flow to relay to {@code target}, with the request target rewritten to {@code path} (origin
   * form).
   */
  record Forward(Target target, CaptureMode mode, String path) implements Admission {}

  private final ProxyContext proxy;
  private final boolean reverseListener;

  RequestAdmission(ProxyContext proxy, boolean reverseListener) {
    this.proxy = proxy;
    this.reverseListener = reverseListener;
  }

  /**
   * @param open open client connections, this one included
   * @return the refusal (503) when {@code open} is beyond {@code proxy.max.connections}, else null
   */
  Refused connectionLimit(int open) {
    if (open > proxy.maxConnections) {
      return new Refused(
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          ErrorKind.TOO_MANY_CONNECTIONS,
          "too many concurrent connections (limit " + proxy.maxConnections + ")",
          null);
    }
    return null;
  }

  /**
   * @param request a request head from the client
   * @param mitmTarget the CONNECT target if the request came through a decrypted tunnel, else null
   */
  Admission admit(HttpRequest request, Target mitmTarget) {
    if (request.decoderResult().isFailure()) {
      Throwable cause = request.decoderResult().cause();
      if (cause instanceof TooLongHttpHeaderException) {
        return new Refused(
            HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
            ErrorKind.HEADERS_TOO_LARGE,
            "request headers exceed " + proxy.maxHeaderBytes + " bytes",
            null);
      } else if (cause instanceof TooLongFrameException) {
        return new Refused(
            HttpResponseStatus.BAD_REQUEST,
            ErrorKind.HEADERS_TOO_LARGE,
            "request line exceeds " + proxy.maxInitialLineBytes + " bytes",
            null);
      } else {
        return new Refused(
            HttpResponseStatus.BAD_REQUEST,
            ErrorKind.MALFORMED_REQUEST,
            "malformed HTTP request: " + ErrorResponses.rootMessage(cause),
            null);
      }
    }
    if (!proxy.capture.admitsNewRequests()) {
      return new Refused(
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          ErrorKind.CAPTURE_UNAVAILABLE,
          "capture cannot be guaranteed right now and proxy.on.capture.failure=block; retry later",
          null);
    }
    boolean outer = mitmTarget == null && !reverseListener;
    if (outer
        && proxy.auth.required()
        && !proxy.auth.accepts(request.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION))) {
      return new Refused(
          HttpResponseStatus.PROXY_AUTHENTICATION_REQUIRED,
          ErrorKind.PROXY_AUTH_REQUIRED,
          "proxy authentication required (Basic)",
          null);
    }
    if (HttpMethod.CONNECT.equals(request.method())) {
      if (!outer) {
        return new Refused(
            HttpResponseStatus.BAD_REQUEST,
            ErrorKind.MALFORMED_REQUEST,
            "CONNECT is only accepted by the forward listener, outside a tunnel",
            request.uri());
      }
      return connect(request);
    }
    if (mitmTarget != null) {
      return new Forward(mitmTarget, CaptureMode.MITM, request.uri());
    }
    if (reverseListener) {
      return new Forward(proxy.reverseTarget, CaptureMode.REVERSE, request.uri());
    }
    URI uri;
    try {
      uri = new URI(request.uri());
    } catch (URISyntaxException e) {
      uri = null;
    }
    if (uri == null || !"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      return new Refused(
          HttpResponseStatus.BAD_REQUEST,
          ErrorKind.MALFORMED_REQUEST,
          "this is a forward proxy: send CONNECT host:port or an absolute http:// URL (got '"
              + request.uri()
              + "')",
          null);
    }
    return new Forward(Target.of(uri), CaptureMode.PLAIN_FORWARD, originForm(uri));
  }

  /** CONNECT host:port: the port allow-list, then decrypted if the host is on the MITM list. */
  private Admission connect(HttpRequest request) {
    Target target;
    try {
      target = Target.ofAuthority(request.uri(), true);
    } catch (IllegalArgumentException e) {
      return new Refused(
          HttpResponseStatus.BAD_REQUEST, ErrorKind.MALFORMED_REQUEST, e.getMessage(), null);
    }
    if (!proxy.allowedConnectPorts.contains(target.port())) {
      return new Refused(
          HttpResponseStatus.FORBIDDEN,
          ErrorKind.PORT_NOT_ALLOWED,
          "CONNECT to port "
              + target.port()
              + " is not allowed (proxy.allowed.connect.ports="
              + proxy.allowedConnectPorts
              + ")",
          target.authority());
    }
    return new Tunnel(target, proxy.mitmHosts.matches(target.host()));
  }

  private static String originForm(URI uri) {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
  }
}

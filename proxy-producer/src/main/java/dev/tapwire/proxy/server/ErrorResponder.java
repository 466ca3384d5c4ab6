package dev.tapwire.proxy.server;

import dev.tapwire.avro.ErrorKind;
import dev.tapwire.avro.Termination;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The error paths of one client connection, for {@link ClientToProxyHandler} and {@link
 * ExchangeRelay}: records the FlowError and FlowEnd of the flow in progress (or one refusal event
 * when there is none), counts the error, tears down the relay (upstream closed, queued requests
 * released) and answers proxyToClientResponse with an {@link ErrorResponses} response and a close,
 * or just closes when the response had already started.
 */
final class ErrorResponder {
  private static final Logger log = LoggerFactory.getLogger(ErrorResponder.class);

  private final ProxyContext proxy;
  private final ClientConnection conn;
  private final ExchangeRelay relay;

  ErrorResponder(ProxyContext proxy, ClientConnection conn, ExchangeRelay relay) {
    this.proxy = proxy;
    this.conn = conn;
    this.relay = relay;
  }

  /**
   * A request that is not admitted (see {@link RequestAdmission}) or a malformed request body: ends
   * the flow in progress, if any, as REJECTED, then answers {@code status} (with the Basic
   * challenge for 407) and closes.
   *
   * @param target the target to record when there is no flow in progress, or null
   */
  void refuse(HttpResponseStatus status, ErrorKind kind, String message, String target) {
    proxy.metrics.error(kind);
    Exchange ex = conn.exchange;
    if (ex != null && !ex.finished) {
      // refused in the middle of a flow (e.g. a malformed request body): end that flow
      boolean responseStarted = ex.responseStarted;
      ex.recorder.error(
          kind,
          message,
          conn.clientAddress,
          ex.target.authority(),
          responseStarted ? null : status.code());
      ex.recorder.end(Termination.REJECTED, message, ex.timings());
      conn.endExchange(ex);
      relay.closeUpstream();
      releaseQueues();
      if (responseStarted) {
        conn.state = ConnectionState.DISCONNECTED;
        conn.ctx.close();
        return;
      }
    } else {
      proxy.capture.refusal(kind, message, conn.clientAddress, target, status.code());
    }
    FullHttpResponse response = ErrorResponses.plain(conn.ctx.alloc(), status, message);
    if (status.equals(HttpResponseStatus.PROXY_AUTHENTICATION_REQUIRED)) {
      response.headers().set(HttpHeaderNames.PROXY_AUTHENTICATE, ProxyAuthenticator.CHALLENGE);
    }
    releaseQueues();
    sendAndClose(response);
  }

  /**
   * The upstream side of {@code ex} failed (connect, TLS, reset, malformed response): answers
   * {@code status} if the response has not started, else closes the client connection.
   */
  void failExchange(
      Exchange ex,
      HttpResponseStatus status,
      ErrorKind kind,
      Termination termination,
      String message) {
    if (ex.finished) {
      return;
    }
    log.info("Flow {} to {} failed: {}", ex.recorder.flowId(), ex.target.authority(), message);
    proxy.metrics.error(kind);
    ex.recorder.error(
        kind,
        message,
        conn.clientAddress,
        ex.target.authority(),
        ex.responseStarted ? null : status.code());
    ex.recorder.end(termination, message, ex.timings());
    conn.endExchange(ex);
    releaseQueues();
    relay.closeUpstream();
    if (ex.responseStarted) {
      conn.state = ConnectionState.DISCONNECTED;
      relay.flushClient();
      conn.ctx.close();
    } else {
      sendAndClose(ErrorResponses.plain(conn.ctx.alloc(), status, message));
    }
  }

  /** The upstream went away during {@code ex}: 502 before the response started, else a close. */
  void upstreamResetMidResponse(Exchange ex, String message) {
    failExchange(
        ex,
        HttpResponseStatus.BAD_GATEWAY,
        ErrorKind.UPSTREAM_RESET,
        Termination.UPSTREAM_RESET,
        message);
  }

  /**
   * The client side failed or went away during the current exchange: records it and ends the flow;
   * the caller closes the connection.
   */
  void abortExchange(ErrorKind kind, Termination termination, String message) {
    Exchange ex = conn.exchange;
    proxy.metrics.error(kind);
    ex.recorder.error(kind, message, conn.clientAddress, ex.target.authority(), null);
    ex.recorder.end(termination, message, ex.timings());
    conn.endExchange(ex);
  }

  /**
   * No traffic for {@code proxy.idle.timeout.ms}: ends the flow in progress as TIMEOUT, answers 504
   * if its response has not started, and closes both channels.
   */
  void idleTimeout() {
    ChannelHandlerContext ctx = conn.ctx;
    Exchange ex = conn.exchange;
    if (ex != null && !ex.finished) {
      String message =
          "no traffic for "
              + proxy.idleTimeoutMillis
              + " ms; connection closed (proxy.idle.timeout.ms)";
      proxy.metrics.error(ErrorKind.TIMEOUT);
      ex.recorder.error(
          ErrorKind.TIMEOUT,
          message,
          conn.clientAddress,
          ex.target.authority(),
          ex.responseStarted ? null : 504);
      ex.recorder.end(Termination.TIMEOUT, message, ex.timings());
      conn.endExchange(ex);
      if (!ex.responseStarted) {
        sendAndClose(
            ErrorResponses.plain(ctx.alloc(), HttpResponseStatus.GATEWAY_TIMEOUT, message));
        relay.closeUpstream();
        return;
      }
    }
    conn.state = ConnectionState.DISCONNECTED;
    ctx.close();
    relay.closeUpstream();
  }

  /** Releases every request object that will not be relayed (queued upstream or pipelined). */
  void releaseQueues() {
    relay.releasePendingUpstream();
    conn.releasePipelined();
  }

  private void sendAndClose(FullHttpResponse response) {
    conn.state = ConnectionState.DISCONNECTED;
    relay.writeHeldClientWrite(); // e.g. a relayed 100 Continue goes out first
    if (conn.ctx.channel().isActive()) {
      conn.ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    } else {
      response.release();
    }
  }
}

package dev.tapwire.proxy.server;

import dev.tapwire.avro.CaptureMode;
import dev.tapwire.avro.ErrorKind;
import dev.tapwire.avro.RequestHead;
import dev.tapwire.avro.Termination;
import dev.tapwire.proxy.capture.FlowRecorder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-exchange relay of one client connection, driven by {@link ClientToProxyHandler} (client
 * side) and {@link ServerToProxyHandler} (upstream side), both on the client's event loop. It owns
 * the upstream channel (kept alive between flows to the same target) and relays
 * clientToProxyRequest → proxyToServerRequest and serverToProxyResponse → proxyToClientResponse,
 * with a side copy of every head and body slice to the flow's {@link FlowRecorder}. Requests are
 * re-encoded (the head is rewritten to origin form); responses are relayed as the upstream's own
 * bytes ({@link WireBytes}), and their decoded objects are only recorded. The bytes of a response
 * head are held until the decoder has accepted the whole head, so a malformed head becomes a 502
 * instead of reaching the client.
 *
 * <p>Nothing is buffered beyond the request objects that arrive while the upstream is being set up
 * ({@link UpstreamConnector}): AUTO_READ is off on both channels and each side is read again only
 * when the write to the other side completed. A complete keep-alive response hands the connection
 * back to the handler for the next (possibly pipelined) request; a {@code 101} switches both
 * channels to a raw relay ({@link ProtocolSwitch}). Failures go to its {@link ErrorResponder}.
 */
final class ExchangeRelay {
  private static final Logger log = LoggerFactory.getLogger(ExchangeRelay.class);

  private final ProxyContext proxy;
  private final ClientConnection conn;
  private final ClientToProxyHandler client;
  private final ErrorResponder errors;
  private Channel upstream;
  private Target upstreamTarget;
  private boolean upstreamReady;
  private final ArrayDeque<HttpObject> pendingUpstream = new ArrayDeque<>();

  /** Bytes of a response head the upstream decoder has not accepted yet (usually one buffer). */
  private final ArrayDeque<WireBytes> heldResponseHead = new ArrayDeque<>(1);

  /**
   * The request objects of the current read batch to the upstream; the batch's promise is taken at
   * {@link #flushUpstream}.
   */
  private final BatchedWrites upstreamWrites = new BatchedWrites();

  /** Request body bytes written upstream since the last flush. */
  private int unflushedUpstreamBytes;

  /**
   * Within one read batch, the request body is flushed upstream every this many bytes (32 KiB), so
   * the upstream's work on a large body overlaps the proxy's: with a 100 KB body the proxy
   * otherwise decrypts, decodes and re-encrypts all of it before the upstream sees a byte.
   */
  static final int EARLY_FLUSH_BYTES = 32 * 1024;

  /**
   * The response objects of the current read batch to the client; {@code last()} is the promise of
   * the latest flushed batch (kept: a closing response closes after it).
   */
  private final BatchedWrites clientWrites = new BatchedWrites();

  /**
   * @param client the handler that reads the next request once a keep-alive response is complete
   */
  ExchangeRelay(ProxyContext proxy, ClientConnection conn, ClientToProxyHandler client) {
    this.proxy = proxy;
    this.conn = conn;
    this.client = client;
    this.errors = new ErrorResponder(proxy, conn, this);
  }

  /** The error paths of this connection; they tear down this relay's upstream. */
  ErrorResponder errors() {
    return errors;
  }

  // ---- clientToProxyRequest → proxyToServerRequest --------------------------------------------

  /**
   * Starts a flow for an admitted request head: records it, rewrites it for the upstream ({@code
   * path} as origin form, hop-by-hop proxy headers removed, {@code Host} in reverse mode) and
   * writes it to a reusable upstream or queues it until a new one is ready.
   */
  void clientToProxyRequest(HttpRequest request, Target target, CaptureMode mode, String path) {
    FlowRecorder recorder = proxy.capture.newFlow(conn.ctx.channel().eventLoop());
    RequestHead head =
        new RequestHead(
            request.method().name(),
            mode == CaptureMode.PLAIN_FORWARD || !target.tls() ? "http" : "https",
            target.host(),
            target.port(),
            path,
            request.protocolVersion().text(),
            null,
            conn.clientAddress,
            mode,
            conn.connectionId,
            mode == CaptureMode.MITM ? conn.clientTls : null);
    recorder.requestHead(head, request.headers(), HttpUtil.getContentLength(request, -1L));
    conn.exchange = new Exchange(recorder, request, target, System.nanoTime());
    proxy.metrics.flowStarted();
    proxy.metrics.activeFlows().incrementAndGet();
    request.setUri(path);
    request.headers().remove("Proxy-Connection");
    request.headers().remove(HttpHeaderNames.PROXY_AUTHORIZATION);
    if (mode == CaptureMode.REVERSE) {
      request.headers().set(HttpHeaderNames.HOST, target.hostHeader());
    }
    if (upstream != null && upstream.isActive() && upstreamReady && target.equals(upstreamTarget)) {
      conn.state = ConnectionState.RELAYING_REQUEST;
      writeUpstream(request);
    } else {
      closeUpstream();
      conn.state = ConnectionState.CONNECTING_UPSTREAM;
      pendingUpstream.add(request);
      connectUpstream(target);
    }
  }

  /** Relays (or queues) a slice of the current request body; anything else is released. */
  void clientToProxyContent(HttpContent content) {
    Exchange ex = conn.exchange;
    ConnectionState state = conn.state;
    if (ex == null
        || ex.finished
        || !(state == ConnectionState.CONNECTING_UPSTREAM
            || state == ConnectionState.RELAYING_REQUEST
            || state == ConnectionState.RELAYING_RESPONSE)) {
      content.release(); // e.g. the empty end of a CONNECT request
      return;
    }
    if (content.decoderResult().isFailure()) {
      content.release();
      errors.refuse(
          HttpResponseStatus.BAD_REQUEST,
          ErrorKind.MALFORMED_REQUEST,
          "malformed request body: " + ErrorResponses.rootMessage(content.decoderResult().cause()),
          ex.target.authority());
      return;
    }
    ex.recorder.requestBody(content.content());
    proxy.metrics.bytesToUpstream(content.content().readableBytes());
    boolean last = content instanceof LastHttpContent;
    if (last) {
      ex.requestComplete = true;
      ex.recorder.requestComplete();
      if (conn.state == ConnectionState.RELAYING_REQUEST) {
        conn.state = ConnectionState.AWAITING_RESPONSE;
      }
    }
    if (upstreamReady) {
      writeUpstream(content);
    } else {
      pendingUpstream.add(content);
    }
  }

  private void writeUpstream(HttpObject msg) {
    upstreamWrites.add(upstream, msg);
    if (msg instanceof HttpContent content) {
      unflushedUpstreamBytes += content.content().readableBytes();
      if (unflushedUpstreamBytes >= EARLY_FLUSH_BYTES) {
        // a large read batch: let the upstream start on the first part while the rest is decoded
        writeHeldUpstreamWrite();
        upstream.flush();
      }
    }
  }

  private void writeHeldUpstreamWrite() {
    upstreamWrites.writeHeld(upstream);
    unflushedUpstreamBytes = 0;
  }

  /**
   * Flushes what was written upstream since the last flush; when the batch's last write completes
   * and the request body is still coming, the client is read again. Then records what was relayed.
   */
  void flushUpstream() {
    try {
      flushUpstreamWrites();
    } finally {
      recordCapture();
    }
  }

  private void flushUpstreamWrites() {
    if (upstream == null) {
      return;
    }
    writeHeldUpstreamWrite();
    ChannelFuture lastUpstreamWrite = upstreamWrites.takeLast();
    if (lastUpstreamWrite == null) {
      return;
    }
    upstream.flush();
    lastUpstreamWrite.addListener(
        (ChannelFutureListener)
            f -> {
              if (f.isSuccess()
                  && conn.state == ConnectionState.RELAYING_REQUEST
                  && conn.exchange != null
                  && !conn.exchange.requestComplete) {
                conn.ctx.read();
              }
            });
  }

  // ---- proxyToServer connection ---------------------------------------------------------------

  private void connectUpstream(Target target) {
    Exchange ex = conn.exchange;
    long connectStart = System.nanoTime();
    ChannelFuture connect =
        UpstreamConnector.connect(proxy, conn.ctx.channel().eventLoop(), target, this);
    upstream = connect.channel();
    upstreamTarget = target;
    upstreamReady = false;
    UpstreamConnector.whenReady(
        connect,
        target,
        connectStart,
        new UpstreamConnector.Listener() {
          @Override
          public boolean isCurrent(Channel ch) {
            return ch == upstream && ex == conn.exchange;
          }

          @Override
          public void connected(long connectMicros) {
            ex.connectMicros = connectMicros;
          }

          @Override
          public void handshakeCompleted(long tlsMicros) {
            ex.tlsMicros = tlsMicros;
          }

          @Override
          public void ready() {
            upstreamBecameReady();
          }

          @Override
          public void failed(ErrorKind kind, Termination termination, String message) {
            errors.failExchange(ex, HttpResponseStatus.BAD_GATEWAY, kind, termination, message);
          }
        });
  }

  private void upstreamBecameReady() {
    upstreamReady = true;
    while (!pendingUpstream.isEmpty()) {
      writeUpstream(pendingUpstream.poll());
    }
    if (conn.state == ConnectionState.CONNECTING_UPSTREAM) {
      conn.state =
          conn.exchange.requestComplete
              ? ConnectionState.AWAITING_RESPONSE
              : ConnectionState.RELAYING_REQUEST;
    }
    flushUpstream();
    upstream.read();
  }

  // ---- serverToProxyResponse → proxyToClientResponse -----------------------------------------

  /** A response object read from {@code from} (see {@link ServerToProxyHandler}). */
  void serverToProxyResponse(Channel from, Object msg) {
    Exchange ex = conn.exchange;
    if (from != upstream
        || ex == null
        || ex.finished
        || conn.state == ConnectionState.DISCONNECTED) {
      ReferenceCountUtil.release(msg);
      if (from == upstream && ex == null) {
        closeUpstream(); // an upstream that talks without being asked is not reused
      }
      return;
    }
    if (msg instanceof WireBytes wire) {
      if (ex.responseStarted || ex.informational) {
        writeClient(wire);
      } else {
        heldResponseHead.add(wire); // relayed once the decoder has accepted the whole head
      }
      return;
    }
    if (msg instanceof HttpResponse response) {
      if (response.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        releaseHeldResponseHead();
        errors.failExchange(
            ex,
            HttpResponseStatus.BAD_GATEWAY,
            ErrorKind.UPSTREAM_RESET,
            Termination.PROXY_ERROR,
            "upstream sent a malformed response: "
                + ErrorResponses.rootMessage(response.decoderResult().cause()));
        return;
      }
      while (!heldResponseHead.isEmpty()) {
        writeClient(heldResponseHead.poll());
      }
      int code = response.status().code();
      if (code >= 100 && code < 200 && code != 101) {
        ex.informational = true; // e.g. 100 Continue: relayed, the final response follows
      } else {
        ex.responseStarted = true;
        ex.response = response;
        ex.firstByteMicros = ex.elapsedMicros();
        conn.state = ConnectionState.RELAYING_RESPONSE;
        ex.recorder.responseHead(
            code,
            response.status().reasonPhrase(),
            response.protocolVersion().text(),
            response.headers(),
            ex.firstByteMicros,
            response.headers().get(HttpHeaderNames.CONTENT_TYPE),
            HttpUtil.getContentLength(response, -1L));
      }
    }
    if (msg instanceof HttpContent content) {
      if (content.decoderResult().isFailure()) {
        content.release(); // never relay a premature end as if it were the real one
        errors.upstreamResetMidResponse(
            ex,
            "upstream response body broke off: "
                + ErrorResponses.rootMessage(content.decoderResult().cause()));
        return;
      }
      boolean last = content instanceof LastHttpContent;
      if (ex.informational) {
        content.release();
        if (last) {
          ex.informational = false;
        }
        return;
      }
      ex.recorder.responseBody(content.content(), conn.ctx.executor());
      proxy.metrics.bytesToClient(content.content().readableBytes());
      content.release();
      if (last) {
        responseComplete(ex);
      }
      return;
    }
    ReferenceCountUtil.release(msg); // bytes after a 101 head: their WireBytes went ahead of them
  }

  /**
   * The end of a read batch from {@code from}: flush to the client and read the upstream again when
   * that write completed; then record what was relayed.
   */
  void upstreamReadComplete(Channel from) {
    if (from != upstream) {
      return;
    }
    try {
      flushClientAndReadAgain(from);
    } finally {
      recordCapture();
    }
  }

  /**
   * Records the body slices the current flow relayed since the last call ({@link
   * FlowRecorder#recordDeferred}): called after each flush, so capture never delays the relay.
   */
  private void recordCapture() {
    Exchange ex = conn.exchange;
    if (ex != null) {
      ex.recorder.recordDeferred();
    }
  }

  private void flushClientAndReadAgain(Channel from) {
    if (clientWrites.hasHeld()) {
      flushClient();
      clientWrites
          .last()
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    if (f.isSuccess() && from.isActive() && from == upstream) {
                      from.read();
                    }
                  });
    } else if (from.isActive()) {
      from.read();
    }
  }

  /** {@code from} closed: fails the current exchange if it was still waiting on it. */
  void upstreamClosed(Channel from) {
    if (from != upstream) {
      return;
    }
    upstream = null;
    upstreamReady = false;
    dropUpstreamWrites();
    Exchange ex = conn.exchange;
    if (ex == null || ex.finished) {
      return;
    }
    if (!ex.responseStarted) {
      errors.failExchange(
          ex,
          HttpResponseStatus.BAD_GATEWAY,
          ErrorKind.UPSTREAM_RESET,
          Termination.UPSTREAM_RESET,
          "upstream " + ex.target.authority() + " closed the connection before responding");
    } else {
      errors.upstreamResetMidResponse(
          ex, "upstream closed the connection before the response was complete");
    }
  }

  void upstreamFailed(Channel from, Throwable cause) {
    // the channel is closed by the caller; upstreamClosed() or the handshake listener reports it
    log.debug("Upstream {} error: {}", from, ErrorResponses.rootMessage(cause));
  }

  private void writeClient(Object msg) {
    clientWrites.add(conn.ctx, msg);
  }

  /**
   * Writes the held response object with a promise ({@code clientWrites.last()}, complete once all
   * of the batch is written) and flushes the client. A failed write of an earlier object of the
   * batch (void promise) reaches {@link ClientToProxyHandler#exceptionCaught}, which ends the flow
   * as client-aborted and closes the connection.
   */
  void flushClient() {
    writeHeldClientWrite();
    conn.ctx.flush();
  }

  /** Writes the held response object (if any) without flushing, so later writes keep the order. */
  void writeHeldClientWrite() {
    clientWrites.writeHeld(conn.ctx);
  }

  private void responseComplete(Exchange ex) {
    ex.responseComplete = true;
    HttpResponse response = ex.response;
    if (response.status().code() == 101) {
      ex.recorder.end(
          Termination.COMPLETE,
          "switched protocols to '"
              + response.headers().get(HttpHeaderNames.UPGRADE)
              + "'; later bytes are relayed but not captured",
          ex.timings());
      conn.endExchange(ex);
      switchToRawRelay();
      return;
    }
    boolean keepAlive =
        ex.requestComplete
            && HttpUtil.isKeepAlive(ex.request)
            && HttpUtil.isKeepAlive(response)
            && hasDelimitedBody(ex);
    ex.recorder.end(Termination.COMPLETE, null, ex.timings());
    conn.endExchange(ex);
    if (!HttpUtil.isKeepAlive(response) || !hasDelimitedBody(ex)) {
      closeUpstream();
    }
    if (keepAlive) {
      conn.state = ConnectionState.AWAITING_REQUEST;
      client.resumeClient();
    } else {
      conn.state = ConnectionState.DISCONNECTED;
      flushClient();
      clientWrites.last().addListener(ChannelFutureListener.CLOSE);
      closeUpstream();
    }
  }

  private static boolean hasDelimitedBody(Exchange ex) {
    HttpResponse r = ex.response;
    int code = r.status().code();
    return HttpUtil.isContentLengthSet(r)
        || HttpUtil.isTransferEncodingChunked(r)
        || code == 204
        || code == 304
        || HttpMethod.HEAD.equals(ex.request.method());
  }

  private void switchToRawRelay() {
    conn.state = ConnectionState.UPGRADED;
    Channel out = upstream;
    flushClient();
    ProtocolSwitch.toRawRelay(conn.ctx, out, proxy.metrics);
    upstream = null;
    conn.ctx.channel().read();
    out.read();
  }

  // ---- tear-down ----------------------------------------------------------------------------

  /** Closes the upstream (if any); it is not reused. */
  void closeUpstream() {
    Channel ch = upstream;
    upstream = null;
    upstreamReady = false;
    dropUpstreamWrites();
    releaseHeldResponseHead();
    if (ch != null) {
      ch.close();
    }
  }

  /**
   * The client connection is gone: releases the held response object, which can no longer go out.
   */
  void releaseHeldClientWrite() {
    clientWrites.releaseHeld();
  }

  /** Forgets the upstream writes of the current batch; the held one can no longer go out. */
  private void dropUpstreamWrites() {
    upstreamWrites.releaseHeld();
    upstreamWrites.takeLast();
    unflushedUpstreamBytes = 0;
  }

  private void releaseHeldResponseHead() {
    while (!heldResponseHead.isEmpty()) {
      heldResponseHead.poll().release();
    }
  }

  /** Releases the request objects still waiting for the upstream to become ready. */
  void releasePendingUpstream() {
    while (!pendingUpstream.isEmpty()) {
      ReferenceCountUtil.release(pendingUpstream.poll());
    }
  }
}

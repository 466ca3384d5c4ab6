package dev.tapwire.proxy.server;

import dev.tapwire.avro.CaptureMode;
import dev.tapwire.avro.ErrorKind;
import dev.tapwire.avro.RequestHead;
import dev.tapwire.avro.Termination;
import dev.tapwire.avro.TlsInfo;
import dev.tapwire.proxy.capture.FlowRecorder;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of a client channel (after the idle handler, the TLS handler for decrypted tunnels
 * and {@code HttpServerCodec}): the proxy's state machine for one client connection (see {@link
 * ConnectionState}).
 *
 * <p>It takes clientToProxyRequest objects, checks limits, policy and authentication, opens the
 * upstream channel on the same event loop and relays proxyToServerRequest objects; responses come
 * back from {@link ServerToProxyHandler} and go out as proxyToClientResponse. Heads and bodies are
 * relayed unmodified except for hop-by-hop proxy headers ({@code Proxy-Connection}, {@code
 * Proxy-Authorization}), the absolute-form target (rewritten to origin form) and, in reverse mode,
 * the {@code Host} header. Nothing is buffered: AUTO_READ is off on both channels and each side is
 * read again only when the write to the other side completed. Capture is a side copy of every head
 * and body slice ({@link FlowRecorder}).
 */
final class ClientToProxyHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ClientToProxyHandler.class);

  private final ProxyContext proxy;
  private final boolean reverseListener;
  private ChannelHandlerContext ctx;
  private ConnectionState state = ConnectionState.AWAITING_REQUEST;
  private String clientAddress = "";
  private String connectionId = "";
  private Target mitmTarget;
  private String sni;
  private TlsInfo clientTls;
  private Channel upstream;
  private Target upstreamTarget;
  private boolean upstreamReady;
  private Exchange exchange;
  private final ArrayDeque<HttpObject> pendingUpstream = new ArrayDeque<>();
  private final ArrayDeque<Object> deferred = new ArrayDeque<>();
  private ChannelFuture lastUpstreamWrite;
  private boolean upstreamWritePending;
  private ChannelFuture lastClientWrite;
  private boolean clientWritePending;
  private boolean counted;

  ClientToProxyHandler(ProxyContext proxy, boolean reverseListener) {
    this.proxy = proxy;
    this.reverseListener = reverseListener;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.clientAddress = String.valueOf(ctx.channel().remoteAddress()).replaceFirst("^/", "");
    this.connectionId = ctx.channel().id().asLongText();
    proxy.channels.add(ctx.channel());
    counted = true;
    int open = proxy.metrics.activeConnections().incrementAndGet();
    if (open > proxy.maxConnections) {
      String message = "too many concurrent connections (limit " + proxy.maxConnections + ")";
      proxy.metrics.error(ErrorKind.TOO_MANY_CONNECTIONS);
      proxy.capture.refusal(ErrorKind.TOO_MANY_CONNECTIONS, message, clientAddress, null, 503);
      state = ConnectionState.DISCONNECTED;
      ctx.pipeline()
          .firstContext()
          .writeAndFlush(
              ErrorResponses.raw(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE, message))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.read();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (counted) {
      counted = false;
      proxy.metrics.activeConnections().decrementAndGet();
    }
    if (exchange != null && !exchange.finished) {
      abortExchange(
          ErrorKind.CLIENT_ABORTED,
          Termination.CLIENT_ABORTED,
          "client closed the connection before the response was complete");
    }
    state = ConnectionState.DISCONNECTED;
    releaseQueues();
    closeUpstream();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == ConnectionState.DISCONNECTED) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof ByteBuf buf) {
      if (state == ConnectionState.MITM_HANDSHAKE) {
        // bytes the replaced HTTP codec had already read (an eager ClientHello): into the TLS
        // handler
        ctx.pipeline().fireChannelRead(buf);
      } else {
        buf.release();
      }
      return;
    }
    if (!(msg instanceof HttpObject)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (exchange != null && exchange.requestComplete) {
      deferred.add(msg); // a pipelined request: handled when the current response is complete
      return;
    }
    if (msg instanceof HttpRequest request) {
      clientToProxyRequest(request);
    }
    if (msg instanceof HttpContent content) {
      clientToProxyContent(content);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    flushUpstream();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SniCompletionEvent sniEvent) {
      sni = sniEvent.hostname();
    } else if (evt instanceof SslHandshakeCompletionEvent handshake) {
      if (handshake.isSuccess()) {
        clientTls = tlsInfo(ctx.pipeline().get(SslHandler.class));
        state = ConnectionState.AWAITING_REQUEST;
        ctx.read();
      } else {
        String message =
            "TLS handshake with the client for "
                + (mitmTarget == null ? "?" : mitmTarget.host())
                + " failed ("
                + rootMessage(handshake.cause())
                + "); does the client trust the Tapwire CA?";
        proxy.metrics.error(ErrorKind.CLIENT_ABORTED);
        proxy.capture.refusal(
            ErrorKind.CLIENT_ABORTED,
            message,
            clientAddress,
            mitmTarget == null ? null : mitmTarget.authority(),
            null);
        state = ConnectionState.DISCONNECTED;
        ctx.close();
      }
    } else if (evt instanceof IdleStateEvent) {
      onIdle();
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      log.debug("Client connection {} failed: {}", clientAddress, cause.toString());
    } else {
      log.warn("Unexpected error on client connection {}", clientAddress, cause);
    }
    if (exchange != null && !exchange.finished) {
      boolean io = cause instanceof IOException;
      abortExchange(
          io ? ErrorKind.CLIENT_ABORTED : ErrorKind.INTERNAL,
          io ? Termination.CLIENT_ABORTED : Termination.PROXY_ERROR,
          (io ? "client connection failed: " : "proxy error: ") + rootMessage(cause));
    }
    state = ConnectionState.DISCONNECTED;
    ctx.close();
  }

  // ---- clientToProxyRequest ------------------------------------------------------------------

  private void clientToProxyRequest(HttpRequest request) {
    if (request.decoderResult().isFailure()) {
      Throwable cause = request.decoderResult().cause();
      if (cause instanceof TooLongHttpHeaderException) {
        refuse(
            HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
            ErrorKind.HEADERS_TOO_LARGE,
            "request headers exceed " + proxy.maxHeaderBytes + " bytes",
            null);
      } else if (cause instanceof TooLongFrameException) {
        refuse(
            HttpResponseStatus.BAD_REQUEST,
            ErrorKind.HEADERS_TOO_LARGE,
            "request line exceeds " + proxy.maxInitialLineBytes + " bytes",
            null);
      } else {
        refuse(
            HttpResponseStatus.BAD_REQUEST,
            ErrorKind.MALFORMED_REQUEST,
            "malformed HTTP request: " + rootMessage(cause),
            null);
      }
      return;
    }
    if (!proxy.capture.admitsNewRequests()) {
      refuse(
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          ErrorKind.CAPTURE_UNAVAILABLE,
          "capture cannot be guaranteed right now and proxy.on.capture.failure=block; retry later",
          null);
      return;
    }
    boolean outer = mitmTarget == null && !reverseListener;
    if (outer
        && proxy.auth.required()
        && !proxy.auth.accepts(request.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION))) {
      refuse(
          HttpResponseStatus.PROXY_AUTHENTICATION_REQUIRED,
          ErrorKind.PROXY_AUTH_REQUIRED,
          "proxy authentication required (Basic)",
          null);
      return;
    }
    if (HttpMethod.CONNECT.equals(request.method())) {
      if (!outer) {
        refuse(
            HttpResponseStatus.BAD_REQUEST,
            ErrorKind.MALFORMED_REQUEST,
            "CONNECT is only accepted by the forward listener, outside a tunnel",
            request.uri());
        return;
      }
      connect(request);
      return;
    }
    Target target;
    CaptureMode mode;
    String path = request.uri();
    if (mitmTarget != null) {
      target = mitmTarget;
      mode = CaptureMode.MITM;
    } else if (reverseListener) {
      target = proxy.reverseTarget;
      mode = CaptureMode.REVERSE;
    } else {
      URI uri;
      try {
        uri = new URI(request.uri());
      } catch (URISyntaxException e) {
        uri = null;
      }
      if (uri == null || !"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
        refuse(
            HttpResponseStatus.BAD_REQUEST,
            ErrorKind.MALFORMED_REQUEST,
            "this is a forward proxy: send CONNECT host:port or an absolute http:// URL (got '"
                + request.uri()
                + "')",
            null);
        return;
      }
      target = Target.of(uri);
      path = originForm(uri);
      mode = CaptureMode.PLAIN_FORWARD;
    }
    startExchange(request, target, mode, path);
  }

  private void startExchange(HttpRequest request, Target target, CaptureMode mode, String path) {
    FlowRecorder recorder = proxy.capture.newFlow();
    RequestHead head =
        new RequestHead(
            request.method().name(),
            mode == CaptureMode.PLAIN_FORWARD || !target.tls() ? "http" : "https",
            target.host(),
            target.port(),
            path,
            request.protocolVersion().text(),
            null,
            clientAddress,
            mode,
            connectionId,
            mode == CaptureMode.MITM ? clientTls : null);
    recorder.requestHead(head, request.headers());
    exchange = new Exchange(recorder, request, target, System.nanoTime());
    proxy.metrics.flowStarted();
    proxy.metrics.activeFlows().incrementAndGet();
    request.setUri(path);
    request.headers().remove("Proxy-Connection");
    request.headers().remove(HttpHeaderNames.PROXY_AUTHORIZATION);
    if (mode == CaptureMode.REVERSE) {
      request.headers().set(HttpHeaderNames.HOST, target.hostHeader());
    }
    if (upstream != null && upstream.isActive() && upstreamReady && target.equals(upstreamTarget)) {
      state = ConnectionState.RELAYING_REQUEST;
      writeUpstream(request);
    } else {
      closeUpstream();
      state = ConnectionState.CONNECTING_UPSTREAM;
      pendingUpstream.add(request);
      connectUpstream(target);
    }
  }

  private void clientToProxyContent(HttpContent content) {
    Exchange ex = exchange;
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
      refuse(
          HttpResponseStatus.BAD_REQUEST,
          ErrorKind.MALFORMED_REQUEST,
          "malformed request body: " + rootMessage(content.decoderResult().cause()),
          ex.target.authority());
      return;
    }
    ex.recorder.requestBody(content.content());
    proxy.metrics.bytesToUpstream(content.content().readableBytes());
    boolean last = content instanceof LastHttpContent;
    if (last) {
      ex.requestComplete = true;
      ex.recorder.requestComplete();
      if (state == ConnectionState.RELAYING_REQUEST) {
        state = ConnectionState.AWAITING_RESPONSE;
      }
    }
    if (upstreamReady) {
      writeUpstream(content);
    } else {
      pendingUpstream.add(content);
    }
  }

  private void writeUpstream(HttpObject msg) {
    lastUpstreamWrite = upstream.write(msg);
    upstreamWritePending = true;
  }

  private void flushUpstream() {
    if (!upstreamWritePending || upstream == null) {
      return;
    }
    upstreamWritePending = false;
    upstream.flush();
    lastUpstreamWrite.addListener(
        (ChannelFutureListener)
            f -> {
              if (f.isSuccess()
                  && state == ConnectionState.RELAYING_REQUEST
                  && exchange != null
                  && !exchange.requestComplete) {
                ctx.read();
              }
            });
  }

  // ---- CONNECT: decrypted tunnel or blind tunnel --------------------------------------------

  private void connect(HttpRequest request) {
    Target target;
    try {
      target = Target.ofAuthority(request.uri(), true);
    } catch (IllegalArgumentException e) {
      refuse(HttpResponseStatus.BAD_REQUEST, ErrorKind.MALFORMED_REQUEST, e.getMessage(), null);
      return;
    }
    if (!proxy.allowedConnectPorts.contains(target.port())) {
      refuse(
          HttpResponseStatus.FORBIDDEN,
          ErrorKind.PORT_NOT_ALLOWED,
          "CONNECT to port "
              + target.port()
              + " is not allowed (proxy.allowed.connect.ports="
              + proxy.allowedConnectPorts
              + ")",
          target.authority());
      return;
    }
    if (proxy.mitmHosts.matches(target.host())) {
      startMitm(target);
    } else {
      startTunnel(target);
    }
  }

  private void startMitm(Target target) {
    state = ConnectionState.MITM_HANDSHAKE;
    mitmTarget = target;
    DecryptedTunnel.open(ctx, proxy, target);
  }

  private void startTunnel(Target target) {
    state = ConnectionState.TUNNELING;
    BlindTunnel.open(ctx, this, proxy, target, clientAddress);
  }

  // ---- proxyToServer connection ----------------------------------------------------------------

  private void connectUpstream(Target target) {
    Exchange ex = exchange;
    long connectStart = System.nanoTime();
    ClientToProxyHandler self = this;
    Bootstrap bootstrap =
        proxy
            .upstreamBootstrap(ctx.channel().eventLoop())
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    proxy.channels.add(ch);
                    ChannelPipeline p = ch.pipeline();
                    if (target.tls()) {
                      p.addLast(
                          "tls",
                          proxy.upstreamTls.newHandler(ch.alloc(), target.host(), target.port()));
                    }
                    p.addLast("http", proxy.newClientCodec());
                    p.addLast("relay", new ServerToProxyHandler(self));
                  }
                });
    proxy.metrics.upstreamConnectionOpened();
    ChannelFuture connect = bootstrap.connect(target.host(), target.port());
    upstream = connect.channel();
    upstreamTarget = target;
    upstreamReady = false;
    connect.addListener(
        (ChannelFutureListener)
            f -> {
              Channel ch = f.channel();
              if (ch != upstream || ex != exchange) {
                ch.close();
                return;
              }
              if (!f.isSuccess()) {
                failExchange(
                    ex,
                    HttpResponseStatus.BAD_GATEWAY,
                    ErrorKind.UPSTREAM_CONNECT_FAILURE,
                    Termination.UPSTREAM_CONNECT_FAILURE,
                    "cannot connect to upstream "
                        + target.authority()
                        + ": "
                        + rootMessage(f.cause()));
                return;
              }
              ex.connectMicros = micros(connectStart);
              if (!target.tls()) {
                upstreamBecameReady();
                return;
              }
              long tlsStart = System.nanoTime();
              ch.read(); // the TLS handler needs reads to complete its handshake
              ch.pipeline()
                  .get(SslHandler.class)
                  .handshakeFuture()
                  .addListener(
                      h -> {
                        if (ch != upstream || ex != exchange) {
                          return;
                        }
                        if (h.isSuccess()) {
                          ex.tlsMicros = micros(tlsStart);
                          upstreamBecameReady();
                        } else {
                          failExchange(
                              ex,
                              HttpResponseStatus.BAD_GATEWAY,
                              ErrorKind.UPSTREAM_TLS_FAILURE,
                              Termination.UPSTREAM_TLS_FAILURE,
                              "TLS handshake with upstream "
                                  + target.authority()
                                  + " failed: "
                                  + rootMessage(h.cause())
                                  + ". Its certificate is not trusted or does not match the host;"
                                  + " if that is expected (test or corporate TLS proxy) add its CA"
                                  + " with proxy.upstream.ca.");
                        }
                      });
            });
  }

  private void upstreamBecameReady() {
    upstreamReady = true;
    while (!pendingUpstream.isEmpty()) {
      writeUpstream(pendingUpstream.poll());
    }
    if (state == ConnectionState.CONNECTING_UPSTREAM) {
      state =
          exchange.requestComplete
              ? ConnectionState.AWAITING_RESPONSE
              : ConnectionState.RELAYING_REQUEST;
    }
    flushUpstream();
    upstream.read();
  }

  // ---- serverToProxyResponse → proxyToClientResponse -----------------------------------------

  void serverToProxyResponse(Channel from, Object msg) {
    Exchange ex = exchange;
    if (from != upstream || ex == null || ex.finished || state == ConnectionState.DISCONNECTED) {
      ReferenceCountUtil.release(msg);
      if (from == upstream && ex == null) {
        closeUpstream(); // an upstream that talks without being asked is not reused
      }
      return;
    }
    if (msg instanceof HttpResponse response) {
      if (response.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        failExchange(
            ex,
            HttpResponseStatus.BAD_GATEWAY,
            ErrorKind.UPSTREAM_RESET,
            Termination.PROXY_ERROR,
            "upstream sent a malformed response: " + rootMessage(response.decoderResult().cause()));
        return;
      }
      int code = response.status().code();
      if (code >= 100 && code < 200 && code != 101) {
        ex.informational = true; // e.g. 100 Continue: relayed, the final response follows
      } else {
        ex.responseStarted = true;
        ex.response = response;
        ex.firstByteMicros = ex.elapsedMicros();
        state = ConnectionState.RELAYING_RESPONSE;
        ex.recorder.responseHead(
            code,
            response.status().reasonPhrase(),
            response.protocolVersion().text(),
            response.headers(),
            ex.firstByteMicros,
            response.headers().get(HttpHeaderNames.CONTENT_TYPE));
      }
    }
    if (msg instanceof HttpContent content) {
      if (content.decoderResult().isFailure()) {
        content.release(); // never relay a premature end as if it were the real one
        upstreamResetMidResponse(
            ex,
            "upstream response body broke off: " + rootMessage(content.decoderResult().cause()));
        return;
      }
      boolean last = content instanceof LastHttpContent;
      if (ex.informational) {
        writeClient(content);
        if (last) {
          ex.informational = false;
        }
        return;
      }
      ex.recorder.responseBody(content.content(), ctx.executor());
      proxy.metrics.bytesToClient(content.content().readableBytes());
      writeClient(content);
      if (last) {
        responseComplete(ex);
      }
      return;
    }
    writeClient(msg);
  }

  void upstreamReadComplete(Channel from) {
    if (from != upstream) {
      return;
    }
    if (clientWritePending) {
      clientWritePending = false;
      ctx.flush();
      lastClientWrite.addListener(
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

  void upstreamClosed(Channel from) {
    if (from != upstream) {
      return;
    }
    upstream = null;
    upstreamReady = false;
    Exchange ex = exchange;
    if (ex == null || ex.finished) {
      return;
    }
    if (!ex.responseStarted) {
      failExchange(
          ex,
          HttpResponseStatus.BAD_GATEWAY,
          ErrorKind.UPSTREAM_RESET,
          Termination.UPSTREAM_RESET,
          "upstream " + ex.target.authority() + " closed the connection before responding");
    } else {
      upstreamResetMidResponse(
          ex, "upstream closed the connection before the response was complete");
    }
  }

  void upstreamFailed(Channel from, Throwable cause) {
    // the channel is closed by the caller; upstreamClosed() or the handshake listener reports it
    log.debug("Upstream {} error: {}", from, rootMessage(cause));
  }

  private void writeClient(Object msg) {
    lastClientWrite = ctx.write(msg);
    clientWritePending = true;
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
      endExchange(ex);
      switchToRawRelay();
      return;
    }
    boolean keepAlive =
        ex.requestComplete
            && HttpUtil.isKeepAlive(ex.request)
            && HttpUtil.isKeepAlive(response)
            && hasDelimitedBody(ex);
    ex.recorder.end(Termination.COMPLETE, null, ex.timings());
    endExchange(ex);
    if (!HttpUtil.isKeepAlive(response) || !hasDelimitedBody(ex)) {
      closeUpstream();
    }
    if (keepAlive) {
      state = ConnectionState.AWAITING_REQUEST;
      resumeClient();
    } else {
      state = ConnectionState.DISCONNECTED;
      ctx.flush();
      clientWritePending = false;
      lastClientWrite.addListener(ChannelFutureListener.CLOSE);
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

  private void resumeClient() {
    while (!deferred.isEmpty() && state != ConnectionState.DISCONNECTED) {
      channelRead(ctx, deferred.poll());
      if (exchange != null && exchange.requestComplete) {
        break;
      }
    }
    if (exchange == null && deferred.isEmpty()) {
      ctx.read();
    } else {
      flushUpstream();
    }
  }

  private void switchToRawRelay() {
    state = ConnectionState.UPGRADED;
    Channel out = upstream;
    ctx.flush();
    clientWritePending = false;
    TunnelRelayHandler.Listener counter =
        new TunnelRelayHandler.Listener() {
          @Override
          public void bytesRelayed(boolean fromClient, long n) {
            if (fromClient) {
              proxy.metrics.bytesToUpstream(n);
            } else {
              proxy.metrics.bytesToClient(n);
            }
          }

          @Override
          public void closed(String detail) {}
        };
    ChannelPipeline up = out.pipeline();
    up.addLast("raw", new TunnelRelayHandler(ctx.channel(), false, counter));
    up.remove(ServerToProxyHandler.class);
    up.remove(HttpClientCodec.class);
    ChannelPipeline p = ctx.pipeline();
    p.addLast("raw", new TunnelRelayHandler(out, true, counter));
    p.remove(this);
    p.remove(HttpServerCodec.class);
    upstream = null;
    ctx.channel().read();
    out.read();
  }

  // ---- failures ---------------------------------------------------------------------------

  private void onIdle() {
    Exchange ex = exchange;
    if (ex != null && !ex.finished) {
      String message =
          "no traffic for "
              + proxy.idleTimeoutMillis
              + " ms; connection closed (proxy.idle.timeout.ms)";
      proxy.metrics.error(ErrorKind.TIMEOUT);
      ex.recorder.error(
          ErrorKind.TIMEOUT,
          message,
          clientAddress,
          ex.target.authority(),
          ex.responseStarted ? null : 504);
      ex.recorder.end(Termination.TIMEOUT, message, ex.timings());
      endExchange(ex);
      if (!ex.responseStarted) {
        sendAndClose(
            ErrorResponses.plain(ctx.alloc(), HttpResponseStatus.GATEWAY_TIMEOUT, message));
        closeUpstream();
        return;
      }
    }
    state = ConnectionState.DISCONNECTED;
    ctx.close();
    closeUpstream();
  }

  private void failExchange(
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
        clientAddress,
        ex.target.authority(),
        ex.responseStarted ? null : status.code());
    ex.recorder.end(termination, message, ex.timings());
    endExchange(ex);
    releaseQueues();
    closeUpstream();
    if (ex.responseStarted) {
      state = ConnectionState.DISCONNECTED;
      ctx.flush();
      ctx.close();
    } else {
      sendAndClose(ErrorResponses.plain(ctx.alloc(), status, message));
    }
  }

  private void upstreamResetMidResponse(Exchange ex, String message) {
    failExchange(
        ex,
        HttpResponseStatus.BAD_GATEWAY,
        ErrorKind.UPSTREAM_RESET,
        Termination.UPSTREAM_RESET,
        message);
  }

  private void abortExchange(ErrorKind kind, Termination termination, String message) {
    Exchange ex = exchange;
    proxy.metrics.error(kind);
    ex.recorder.error(kind, message, clientAddress, ex.target.authority(), null);
    ex.recorder.end(termination, message, ex.timings());
    endExchange(ex);
  }

  private void endExchange(Exchange ex) {
    if (!ex.finished) {
      ex.finished = true;
      proxy.metrics.activeFlows().decrementAndGet();
    }
    if (exchange == ex) {
      exchange = null;
    }
  }

  private void refuse(HttpResponseStatus status, ErrorKind kind, String message, String target) {
    proxy.metrics.error(kind);
    Exchange ex = exchange;
    if (ex != null && !ex.finished) {
      // refused in the middle of a flow (e.g. a malformed request body): end that flow
      boolean responseStarted = ex.responseStarted;
      ex.recorder.error(
          kind,
          message,
          clientAddress,
          ex.target.authority(),
          responseStarted ? null : status.code());
      ex.recorder.end(Termination.REJECTED, message, ex.timings());
      endExchange(ex);
      closeUpstream();
      releaseQueues();
      if (responseStarted) {
        state = ConnectionState.DISCONNECTED;
        ctx.close();
        return;
      }
    } else {
      proxy.capture.refusal(kind, message, clientAddress, target, status.code());
    }
    FullHttpResponse response = ErrorResponses.plain(ctx.alloc(), status, message);
    if (status.equals(HttpResponseStatus.PROXY_AUTHENTICATION_REQUIRED)) {
      response.headers().set(HttpHeaderNames.PROXY_AUTHENTICATE, ProxyAuthenticator.CHALLENGE);
    }
    releaseQueues();
    sendAndClose(response);
  }

  private void sendAndClose(FullHttpResponse response) {
    state = ConnectionState.DISCONNECTED;
    if (ctx.channel().isActive()) {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    } else {
      response.release();
    }
  }

  private void closeUpstream() {
    Channel ch = upstream;
    upstream = null;
    upstreamReady = false;
    upstreamWritePending = false;
    if (ch != null) {
      ch.close();
    }
  }

  private void releaseQueues() {
    while (!pendingUpstream.isEmpty()) {
      ReferenceCountUtil.release(pendingUpstream.poll());
    }
    while (!deferred.isEmpty()) {
      ReferenceCountUtil.release(deferred.poll());
    }
  }

  // ---- helpers ----------------------------------------------------------------------------

  private TlsInfo tlsInfo(SslHandler ssl) {
    if (ssl == null) {
      return null;
    }
    SSLSession session = ssl.engine().getSession();
    return new TlsInfo(
        sni, ssl.applicationProtocol(), session.getProtocol(), session.getCipherSuite());
  }

  private static String originForm(URI uri) {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
  }

  private static long micros(long startNanos) {
    return TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - startNanos);
  }

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

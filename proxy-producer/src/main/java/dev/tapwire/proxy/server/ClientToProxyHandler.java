package dev.tapwire.proxy.server;

import dev.tapwire.avro.ErrorKind;
import dev.tapwire.avro.Termination;
import dev.tapwire.avro.TlsInfo;
import dev.tapwire.proxy.capture.FlowRecorder;
import dev.tapwire.proxy.server.RequestAdmission.Admission;
import dev.tapwire.proxy.server.RequestAdmission.Forward;
import dev.tapwire.proxy.server.RequestAdmission.Refused;
import dev.tapwire.proxy.server.RequestAdmission.Tunnel;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of a client channel (after the idle handler, the TLS handler for decrypted tunnels
 * and {@link ClientHttpCodec}): the proxy's state machine for one client connection (see {@link
 * ConnectionState}, kept in {@link ClientConnection}).
 *
 * <p>It owns the client channel's events: accepting (the connection limit), reading
 * clientToProxyRequest objects one request at a time (pipelined requests wait until the current
 * response is complete), the client-side TLS handshake of a decrypted tunnel, idleness, errors and
 * the close. Each request head goes through {@link RequestAdmission}; an accepted CONNECT becomes a
 * {@link DecryptedTunnel} or a {@link BlindTunnel}, any other request a flow relayed by {@link
 * ExchangeRelay} (which opens the upstream channel on the same event loop and relays the response
 * back). Refusals and failures go to {@link ErrorResponder}. Nothing is buffered: AUTO_READ is off
 * on both channels and each side is read again only when the write to the other side completed.
 * Capture is a side copy of every head and body slice ({@link FlowRecorder}).
 */
final class ClientToProxyHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ClientToProxyHandler.class);

  private final ProxyContext proxy;
  private final ClientConnection conn;
  private final RequestAdmission admission;
  private final ExchangeRelay relay;
  private final ErrorResponder errors;
  private String sni;
  private boolean counted;

  ClientToProxyHandler(ProxyContext proxy, boolean reverseListener) {
    this.proxy = proxy;
    this.conn = new ClientConnection(proxy.metrics, reverseListener);
    this.admission = new RequestAdmission(proxy, reverseListener);
    this.relay = new ExchangeRelay(proxy, conn, this);
    this.errors = relay.errors();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    conn.ctx = ctx;
    conn.clientAddress = String.valueOf(ctx.channel().remoteAddress()).replaceFirst("^/", "");
    conn.connectionId = ctx.channel().id().asLongText();
    proxy.channels.add(ctx.channel());
    counted = true;
    int open = proxy.metrics.activeConnections().incrementAndGet();
    Refused refused = admission.connectionLimit(open);
    if (refused != null) {
      proxy.metrics.error(refused.kind());
      proxy.capture.refusal(
          refused.kind(), refused.message(), conn.clientAddress, null, refused.status().code());
      conn.state = ConnectionState.DISCONNECTED;
      ctx.pipeline()
          .firstContext()
          .writeAndFlush(ErrorResponses.raw(ctx.alloc(), refused.status(), refused.message()))
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
    if (conn.exchange != null && !conn.exchange.finished) {
      errors.abortExchange(
          ErrorKind.CLIENT_ABORTED,
          Termination.CLIENT_ABORTED,
          "client closed the connection before the response was complete");
    }
    conn.state = ConnectionState.DISCONNECTED;
    errors.releaseQueues();
    relay.releaseHeldClientWrite();
    relay.closeUpstream();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (conn.state == ConnectionState.DISCONNECTED) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof ByteBuf buf) {
      if (conn.state == ConnectionState.MITM_HANDSHAKE) {
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
    if (conn.exchange != null && conn.exchange.requestComplete) {
      conn.pipelined.add(msg); // a pipelined request: handled when the current response is complete
      return;
    }
    if (msg instanceof HttpRequest request) {
      clientToProxyRequest(request);
    }
    if (msg instanceof HttpContent content) {
      relay.clientToProxyContent(content);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    relay.flushUpstream();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SniCompletionEvent sniEvent) {
      sni = sniEvent.hostname();
    } else if (evt instanceof SslHandshakeCompletionEvent handshake) {
      Target mitmTarget = conn.mitmTarget;
      if (handshake.isSuccess()) {
        conn.clientTls = tlsInfo(ctx.pipeline().get(SslHandler.class));
        conn.state = ConnectionState.AWAITING_REQUEST;
        ctx.read();
      } else {
        String message =
            "TLS handshake with the client for "
                + (mitmTarget == null ? "?" : mitmTarget.host())
                + " failed ("
                + ErrorResponses.rootMessage(handshake.cause())
                + "); does the client trust the Tapwire CA?";
        proxy.metrics.error(ErrorKind.CLIENT_ABORTED);
        proxy.capture.refusal(
            ErrorKind.CLIENT_ABORTED,
            message,
            conn.clientAddress,
            mitmTarget == null ? null : mitmTarget.authority(),
            null);
        conn.state = ConnectionState.DISCONNECTED;
        ctx.close();
      }
    } else if (evt instanceof IdleStateEvent) {
      errors.idleTimeout();
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      log.debug("Client connection {} failed: {}", conn.clientAddress, cause.toString());
    } else {
      log.warn("Unexpected error on client connection {}", conn.clientAddress, cause);
    }
    if (conn.exchange != null && !conn.exchange.finished) {
      boolean io = cause instanceof IOException;
      errors.abortExchange(
          io ? ErrorKind.CLIENT_ABORTED : ErrorKind.INTERNAL,
          io ? Termination.CLIENT_ABORTED : Termination.PROXY_ERROR,
          (io ? "client connection failed: " : "proxy error: ")
              + ErrorResponses.rootMessage(cause));
    }
    conn.state = ConnectionState.DISCONNECTED;
    ctx.close();
  }

  // ---- clientToProxyRequest ------------------------------------------------------------------

  private void clientToProxyRequest(HttpRequest request) {
    Admission decision = admission.admit(request, conn.mitmTarget);
    if (decision instanceof Refused r) {
      errors.refuse(r.status(), r.kind(), r.message(), r.target());
    } else if (decision instanceof Tunnel t) {
      if (t.decrypt()) {
        startMitm(t.target());
      } else {
        startTunnel(t.target());
      }
    } else if (decision instanceof Forward f) {
      relay.clientToProxyRequest(request, f.target(), f.mode(), f.path());
    }
  }

  private void startMitm(Target target) {
    conn.state = ConnectionState.MITM_HANDSHAKE;
    conn.mitmTarget = target;
    DecryptedTunnel.open(conn.ctx, proxy, target);
  }

  private void startTunnel(Target target) {
    conn.state = ConnectionState.TUNNELING;
    BlindTunnel.open(conn.ctx, this, proxy, target, conn.clientAddress);
  }

  /**
   * After a complete keep-alive response ({@link ExchangeRelay}): handles the pipelined requests
   * read meanwhile, up to the next complete one, then reads the client again or flushes upstream.
   */
  void resumeClient() {
    while (!conn.pipelined.isEmpty() && conn.state != ConnectionState.DISCONNECTED) {
      channelRead(conn.ctx, conn.pipelined.poll());
      if (conn.exchange != null && conn.exchange.requestComplete) {
        break;
      }
    }
    if (conn.exchange == null && conn.pipelined.isEmpty()) {
      conn.ctx.read();
    } else {
      relay.flushUpstream();
    }
  }

  private TlsInfo tlsInfo(SslHandler ssl) {
    if (ssl == null) {
      return null;
    }
    SSLSession session = ssl.engine().getSession();
    return new TlsInfo(
        sni, ssl.applicationProtocol(), session.getProtocol(), session.getCipherSuite());
  }
}

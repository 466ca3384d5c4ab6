package dev.tapwire.proxy.server;

import dev.tapwire.avro.TlsInfo;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * State of one client connection, shared by {@link ClientToProxyHandler} and the helpers it drives
 * ({@link ExchangeRelay}, {@link ErrorResponder}): the client channel's context, the lifecycle
 * ({@link ConnectionState}), who the client is, the decrypted tunnel it is inside (if any) and the
 * current {@link Exchange}. Pipelined requests that arrive while an exchange is still running wait
 * in {@link #pipelined}. Event-loop confined, like {@link Exchange}.
 */
final class ClientConnection {
  private final ProxyMetrics metrics;

  /** True on the reverse listener (origin-form requests to {@code proxy.reverse.upstream}). */
  final boolean reverseListener;

  /** The context of the {@link ClientToProxyHandler}; set when the channel becomes active. */
  ChannelHandlerContext ctx;

  ConnectionState state = ConnectionState.AWAITING_REQUEST;

  /** The client's address as {@code host:port}, for events and logs. */
  String clientAddress = "";

  /** The client channel's id, recorded with every flow on it. */
  String connectionId = "";

  /** The CONNECT target once this connection is a decrypted tunnel, else null. */
  Target mitmTarget;

  /** The client-side TLS session of a decrypted tunnel, else null. */
  TlsInfo clientTls;

  /** The flow in progress, or null between flows. */
  Exchange exchange;

  /** Requests (heads and bodies) read while the current exchange's request was complete. */
  final ArrayDeque<Object> pipelined = new ArrayDeque<>();

  ClientConnection(ProxyMetrics metrics, boolean reverseListener) {
    this.metrics = metrics;
    this.reverseListener = reverseListener;
  }

  /** Marks {@code ex} finished (counted once) and forgets it if it is the current exchange. */
  void endExchange(Exchange ex) {
    if (!ex.finished) {
      ex.finished = true;
      metrics.activeFlows().decrementAndGet();
    }
    if (exchange == ex) {
      exchange = null;
    }
  }

  /** Releases the pipelined requests that will never be handled. */
  void releasePipelined() {
    while (!pipelined.isEmpty()) {
      ReferenceCountUtil.release(pipelined.poll());
    }
  }
}

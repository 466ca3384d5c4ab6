package dev.tapwire.proxy.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * Response bytes exactly as the upstream sent them (head, chunk-size lines with their extensions,
 * payload, trailers), relayed to the client as they are: the proxy never re-encodes a response.
 * Emitted by {@link UpstreamHttpCodec} ahead of the decoded objects the same bytes make up, which
 * the relay only records; written to the client through {@link ClientHttpCodec}, which passes them
 * below its encoder.
 */
final class WireBytes extends DefaultByteBufHolder {
  WireBytes(ByteBuf data) {
    super(data);
  }
}

package dev.tapwire.proxy.capture;

import io.netty.buffer.ByteBuf;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Running byte count and SHA-256 of one body, fed slice by slice. Not thread-safe. */
final class BodyDigest {
  private final MessageDigest digest;
  private long bytes;

  BodyDigest() {
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  void update(ByteBuf buf) {
    int n = buf.readableBytes();
    if (n == 0) {
      return;
    }
    if (buf.nioBufferCount() == 1) {
      digest.update(buf.nioBuffer());
    } else {
      byte[] copy = new byte[n];
      buf.getBytes(buf.readerIndex(), copy);
      digest.update(copy);
    }
    bytes += n;
  }

  /** Feeds {@code length} bytes of {@code data} from {@code offset}. */
  void update(byte[] data, int offset, int length) {
    digest.update(data, offset, length);
    bytes += length;
  }

  long bytes() {
    return bytes;
  }

  String sha256Hex() {
    return HexFormat.of().formatHex(digest.digest());
  }
}

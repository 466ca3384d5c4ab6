package dev.tapwire.processor.decode;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.BrotliInputStream;
import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Removes HTTP content codings (RFC 9110 section 8.4.1): {@code gzip} / {@code x-gzip} (RFC 1952,
 * multi-member), {@code deflate} (RFC 1950 zlib, and raw RFC 1951 deflate as some servers send),
 * {@code br} (RFC 7932, brotli4j), {@code zstd} (RFC 8878, zstd-jni) and {@code identity}. Stacked
 * codings ({@code Content-Encoding: gzip, br}) were applied in the listed order, so they are
 * removed in reverse order.
 *
 * <p>Errors never escape as exceptions: an unknown coding or corrupt data gives a {@link
 * DecodeResult} with the error text. The decoded size is capped ({@code maxDecodedBytes}) so a
 * compression bomb gives an error, not an out-of-memory.
 */
public final class ContentDecoder {
  /** Default cap on the decoded body: 256 MiB. */
  public static final long DEFAULT_MAX_DECODED_BYTES = 256L * 1024 * 1024;

  private final long maxDecodedBytes;

  /** A decoder with {@link #DEFAULT_MAX_DECODED_BYTES}. */
  public ContentDecoder() {
    this(DEFAULT_MAX_DECODED_BYTES);
  }

  /**
   * @param maxDecodedBytes the largest decoded body accepted, in bytes
   */
  public ContentDecoder(long maxDecodedBytes) {
    this.maxDecodedBytes = maxDecodedBytes;
  }

  /**
   * Decodes {@code body} according to the {@code Content-Encoding} header value.
   *
   * @param contentEncoding the header value, possibly a comma-separated list; null or blank means
   *     identity
   * @param body the body as captured (after transfer decoding)
   */
  public DecodeResult decode(String contentEncoding, byte[] body) {
    List<String> codings = codings(contentEncoding);
    if (codings.isEmpty()) {
      return DecodeResult.ok(body);
    }
    byte[] current = body;
    for (int i = codings.size() - 1; i >= 0; i--) {
      String coding = codings.get(i);
      try {
        current = decodeOne(coding, current);
      } catch (IOException | RuntimeException | LinkageError e) {
        return DecodeResult.failed(
            coding + " decoding failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
      } catch (UnsupportedCodingException e) {
        return DecodeResult.failed(e.getMessage());
      }
    }
    return DecodeResult.ok(current);
  }

  /** True when {@code contentEncoding} names no coding other than identity. */
  public static boolean isIdentity(String contentEncoding) {
    return codings(contentEncoding).isEmpty();
  }

  static List<String> codings(String contentEncoding) {
    List<String> codings = new ArrayList<>();
    if (contentEncoding == null) {
      return codings;
    }
    for (String part : contentEncoding.split(",")) {
      String coding = part.trim().toLowerCase(Locale.ROOT);
      if (!coding.isEmpty() && !coding.equals("identity")) {
        codings.add(coding);
      }
    }
    return codings;
  }

  private byte[] decodeOne(String coding, byte[] data)
      throws IOException, UnsupportedCodingException {
    InputStream in = new ByteArrayInputStream(data);
    switch (coding) {
      case "gzip", "x-gzip" -> {
        return readCapped(new GZIPInputStream(in, 8192), coding);
      }
      case "deflate" -> {
        boolean zlib = looksLikeZlib(data);
        Inflater inflater = new Inflater(!zlib);
        try {
          return readCapped(new InflaterInputStream(in, inflater, 8192), coding);
        } finally {
          inflater.end();
        }
      }
      case "br" -> {
        Brotli4jLoader.ensureAvailability();
        return readCapped(new BrotliInputStream(in), coding);
      }
      case "zstd" -> {
        return readCapped(new ZstdInputStream(in), coding);
      }
      default -> throw new UnsupportedCodingException("unsupported content coding: " + coding);
    }
  }

  /**
   * RFC 1950 section 2.2: CM = 8, CINFO <= 7 and the header check bits make CMF*256+FLG % 31 == 0.
   */
  private static boolean looksLikeZlib(byte[] data) {
    if (data.length < 2) {
      return false;
    }
    int cmf = data[0] & 0xFF;
    int flg = data[1] & 0xFF;
    return (cmf & 0x0F) == 8 && (cmf >> 4) <= 7 && ((cmf << 8) | flg) % 31 == 0;
  }

  private byte[] readCapped(InputStream in, String coding) throws IOException {
    try (in) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      byte[] buffer = new byte[16384];
      long total = 0;
      int n;
      while ((n = in.read(buffer)) > 0) {
        total += n;
        if (total > maxDecodedBytes) {
          throw new IOException(
              coding + " body decodes to more than " + maxDecodedBytes + " bytes; refused");
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    }
  }

  private static final class UnsupportedCodingException extends Exception {
    UnsupportedCodingException(String message) {
      super(message);
    }
  }
}

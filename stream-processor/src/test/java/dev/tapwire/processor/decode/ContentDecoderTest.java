package dev.tapwire.processor.decode;

import static org.assertj.core.api.Assertions.assertThat;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class ContentDecoderTest {
  private static final byte[] BODY =
      "{\"model\":\"claude-sonnet-4-5\",\"messages\":[]} "
          .repeat(200)
          .getBytes(StandardCharsets.UTF_8);
  private final ContentDecoder decoder = new ContentDecoder();

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  static byte[] deflate(byte[] data, boolean raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, raw);
    try (DeflaterOutputStream d = new DeflaterOutputStream(out, deflater)) {
      d.write(data);
    }
    deflater.end();
    return out.toByteArray();
  }

  @Test
  void shouldPassIdentityAndMissingEncodingThrough() {
    assertThat(decoder.decode(null, BODY).bytes()).isEqualTo(BODY);
    assertThat(decoder.decode("identity", BODY).bytes()).isEqualTo(BODY);
  }

  @Test
  void shouldDecodeGzipIncludingMultipleMembers() throws IOException {
    assertThat(decoder.decode("gzip", gzip(BODY)).bytes()).isEqualTo(BODY);
    byte[] half = Arrays.copyOf(BODY, 100);
    byte[] rest = Arrays.copyOfRange(BODY, 100, BODY.length);
    ByteArrayOutputStream twoMembers = new ByteArrayOutputStream();
    twoMembers.write(gzip(half));
    twoMembers.write(gzip(rest));
    assertThat(decoder.decode("x-gzip", twoMembers.toByteArray()).bytes()).isEqualTo(BODY);
  }

  @Test
  void shouldDecodeZlibAndRawDeflate() throws IOException {
    assertThat(decoder.decode("deflate", deflate(BODY, false)).bytes()).isEqualTo(BODY);
    assertThat(decoder.decode("deflate", deflate(BODY, true)).bytes()).isEqualTo(BODY);
  }

  @Test
  void shouldDecodeBrotli() throws IOException {
    Brotli4jLoader.ensureAvailability();
    byte[] br = Encoder.compress(BODY);
    assertThat(decoder.decode("br", br).bytes()).isEqualTo(BODY);
  }

  @Test
  void shouldDecodeZstd() {
    assertThat(decoder.decode("zstd", Zstd.compress(BODY)).bytes()).isEqualTo(BODY);
  }

  @Test
  void shouldRemoveStackedCodingsInReverseOrder() throws IOException {
    byte[] stacked = Zstd.compress(gzip(BODY)); // gzip applied first, then zstd
    DecodeResult result = decoder.decode("gzip, zstd", stacked);
    assertThat(result.error()).isNull();
    assertThat(result.bytes()).isEqualTo(BODY);
  }

  @Test
  void shouldReturnErrorValueForCorruptGzip() throws IOException {
    byte[] corrupt = gzip(BODY);
    corrupt[corrupt.length / 2] ^= 0x5A;
    corrupt = Arrays.copyOf(corrupt, corrupt.length - 4);
    DecodeResult result = decoder.decode("gzip", corrupt);
    assertThat(result.isOk()).isFalse();
    assertThat(result.error()).startsWith("gzip decoding failed");
  }

  @Test
  void shouldReturnErrorValueForUnknownCoding() {
    DecodeResult result = decoder.decode("compress", BODY);
    assertThat(result.error()).isEqualTo("unsupported content coding: compress");
  }

  @Test
  void shouldRefuseBodiesDecodingBeyondTheCap() throws IOException {
    DecodeResult result = new ContentDecoder(1000).decode("gzip", gzip(BODY));
    assertThat(result.error()).contains("more than 1000 bytes");
  }
}

package dev.tapwire.sink.parquet;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * A Parquet {@link CompressionCodecFactory} for ZSTD (through zstd-jni) and UNCOMPRESSED that never
 * touches Hadoop classes. parquet-java's own {@code CodecFactory} loads {@code
 * org.apache.hadoop.conf.Configuration} even for UNCOMPRESSED (apache/parquet-java issue #2818), so
 * Tapwire writes through this one and keeps Hadoop off the runtime classpath.
 *
 * <p>Other codecs throw {@link UnsupportedOperationException}.
 */
public final class ZstdCodecFactory implements CompressionCodecFactory {

  private final int level;

  /**
   * @param level zstd compression level (1 fastest … 22 smallest; 3 is zstd's default)
   */
  public ZstdCodecFactory(int level) {
    if (level < Zstd.minCompressionLevel() || level > Zstd.maxCompressionLevel()) {
      throw new IllegalArgumentException("zstd level out of range: " + level);
    }
    this.level = level;
  }

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codecName) {
    return switch (codecName) {
      case ZSTD -> new ZstdCompressor(level);
      case UNCOMPRESSED -> new NoopCompressor();
      default -> throw new UnsupportedOperationException("codec not supported: " + codecName);
    };
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codecName) {
    return switch (codecName) {
      case ZSTD -> new ZstdDecompressor();
      case UNCOMPRESSED -> new NoopDecompressor();
      default -> throw new UnsupportedOperationException("codec not supported: " + codecName);
    };
  }

  @Override
  public void release() {}

  private record ZstdCompressor(int level) implements BytesInputCompressor {
    @Override
    public BytesInput compress(BytesInput bytes) throws IOException {
      return BytesInput.from(Zstd.compress(bytes.toByteArray(), level));
    }

    @Override
    public CompressionCodecName getCodecName() {
      return CompressionCodecName.ZSTD;
    }

    @Override
    public void release() {}
  }

  private record NoopCompressor() implements BytesInputCompressor {
    @Override
    public BytesInput compress(BytesInput bytes) {
      return bytes;
    }

    @Override
    public CompressionCodecName getCodecName() {
      return CompressionCodecName.UNCOMPRESSED;
    }

    @Override
    public void release() {}
  }

  private record ZstdDecompressor() implements BytesInputDecompressor {
    @Override
    public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
      return BytesInput.from(Zstd.decompress(bytes.toByteArray(), uncompressedSize));
    }

    @Override
    public void decompress(
        ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
        throws IOException {
      byte[] in = new byte[compressedSize];
      input.duplicate().get(in);
      output.put(Zstd.decompress(in, uncompressedSize));
    }

    @Override
    public void release() {}
  }

  private record NoopDecompressor() implements BytesInputDecompressor {
    @Override
    public BytesInput decompress(BytesInput bytes, int uncompressedSize) {
      return bytes;
    }

    @Override
    public void decompress(
        ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize) {
      ByteBuffer slice = input.duplicate();
      slice.limit(slice.position() + compressedSize);
      output.put(slice);
    }

    @Override
    public void release() {}
  }
}

package dev.tapwire.proxy.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.avro.BodyPart;
import dev.tapwire.avro.Direction;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Parts of at most the part size, contiguous offsets, the whole body exactly once, and the digest
 * over the same bytes, whether the body length is known in advance (Content-Length), unknown, or
 * announced and then cut short by an aborted flow.
 */
class BodyPartSplitterTest {
  private static final int PART = 1000;

  @Test
  void shouldSplitAndDigestBodiesOfKnownAndUnknownLength() {
    Random random = new Random(3);
    for (int round = 0; round < 200; round++) {
      byte[] body = new byte[random.nextInt(4 * PART)];
      random.nextBytes(body);
      long announced =
          switch (round % 3) {
            case 0 -> body.length; // Content-Length
            case 1 -> -1; // chunked
            default -> body.length + 1 + random.nextInt(PART); // the flow ends early
          };
      BodyPartSplitter splitter = new BodyPartSplitter(Direction.REQUEST, PART);
      splitter.expectBytes(announced);
      BodyDigest digest = new BodyDigest();
      List<BodyPart> parts = new ArrayList<>();
      int offset = 0;
      while (offset < body.length) {
        int n = Math.min(body.length - offset, 1 + random.nextInt(700));
        splitter.append(Unpooled.wrappedBuffer(body, offset, n), digest, parts::add);
        offset += n;
      }
      splitter.flush(parts::add);

      ByteArrayOutputStream joined = new ByteArrayOutputStream();
      for (BodyPart part : parts) {
        assertThat(part.getOffset()).isEqualTo(joined.size());
        byte[] data = bytes(part.getData());
        assertThat(data.length).isBetween(1, PART);
        joined.writeBytes(data);
      }
      assertThat(joined.toByteArray()).as("round %d", round).isEqualTo(body);
      assertThat(parts).hasSize(splitter.parts()).hasSize((body.length + PART - 1) / PART);
      BodyDigest expected = new BodyDigest();
      expected.update(Unpooled.wrappedBuffer(body));
      assertThat(digest.sha256Hex()).isEqualTo(expected.sha256Hex());
      assertThat(digest.bytes()).isEqualTo(body.length);
    }
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer b = buffer.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}

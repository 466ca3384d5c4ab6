package dev.tapwire.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.avro.BodyPart;
import dev.tapwire.avro.Direction;
import dev.tapwire.avro.ErrorKind;
import dev.tapwire.avro.FlowEnd;
import dev.tapwire.avro.FlowError;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.RequestHead;
import dev.tapwire.avro.ResponseHead;
import dev.tapwire.avro.SseChunk;
import dev.tapwire.avro.SseFrame;
import dev.tapwire.avro.Termination;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/** Checks that a captured flow is complete and self-consistent. */
public final class FlowAssertions {
  private FlowAssertions() {}

  /** The reassembled bodies of a flow. */
  public record Bodies(byte[] request, byte[] response, FlowEnd end) {}

  /**
   * Asserts gapless seq from 0, RequestHead first, FlowEnd last, offsets contiguous, part sizes ≤
   * 256 KiB, SSE frame lengths summing to each chunk, and the FlowEnd SHA-256/byte counts matching
   * the concatenated parts. Returns the bodies.
   */
  public static Bodies assertCompleteFlow(List<FlowEvent> flow) throws Exception {
    for (int i = 0; i < flow.size(); i++) {
      assertThat(flow.get(i).getSeq()).as("seq of event %d", i).isEqualTo(i);
      assertThat(flow.get(i).getFlowId().version()).isEqualTo(7);
    }
    assertThat(flow.get(0).getPayload()).isInstanceOf(RequestHead.class);
    assertThat(flow.get(flow.size() - 1).getPayload()).isInstanceOf(FlowEnd.class);
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    ByteArrayOutputStream response = new ByteArrayOutputStream();
    int requestParts = 0;
    int responseParts = 0;
    boolean sawResponseHead = false;
    for (FlowEvent e : flow) {
      Object p = e.getPayload();
      if (p instanceof BodyPart part) {
        byte[] data = bytes(part.getData());
        assertThat(data.length).isLessThanOrEqualTo(256 * 1024);
        if (part.getDirection() == Direction.REQUEST) {
          assertThat(part.getOffset()).isEqualTo(request.size());
          request.write(data);
          requestParts++;
        } else {
          assertThat(sawResponseHead).isTrue();
          assertThat(part.getOffset()).isEqualTo(response.size());
          response.write(data);
          responseParts++;
        }
      } else if (p instanceof SseChunk chunk) {
        byte[] data = bytes(chunk.getData());
        assertThat(chunk.getOffset()).isEqualTo(response.size());
        long sum = 0;
        for (SseFrame f : chunk.getFrames()) {
          sum += f.getLength();
        }
        assertThat(sum).isEqualTo(data.length);
        response.write(data);
        responseParts++;
      } else if (p instanceof ResponseHead) {
        sawResponseHead = true;
      }
    }
    FlowEnd end = (FlowEnd) flow.get(flow.size() - 1).getPayload();
    assertThat(end.getRequestBytes()).isEqualTo(request.size());
    assertThat(end.getResponseBytes()).isEqualTo(response.size());
    assertThat(end.getRequestSha256()).isEqualTo(sha256(request.toByteArray()));
    assertThat(end.getResponseSha256()).isEqualTo(sha256(response.toByteArray()));
    assertThat(end.getRequestParts()).isEqualTo(requestParts);
    assertThat(end.getResponseParts()).isEqualTo(responseParts);
    return new Bodies(request.toByteArray(), response.toByteArray(), end);
  }

  /**
   * Asserts that {@code flow} holds a {@link FlowError} of {@code kind} and ends with {@code
   * termination}.
   */
  public static void assertFailedFlow(
      List<FlowEvent> flow, ErrorKind kind, Termination termination) {
    assertThat(flow.stream().map(FlowEvent::getPayload))
        .anySatisfy(
            p ->
                assertThat(p)
                    .isInstanceOfSatisfying(
                        FlowError.class, e -> assertThat(e.getKind()).isEqualTo(kind)));
    assertThat(((FlowEnd) flow.get(flow.size() - 1).getPayload()).getTermination())
        .isEqualTo(termination);
  }

  public static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer b = buffer.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  public static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }
}

package dev.tapwire.proxy.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tapwire.avro.FlowEnd;
import dev.tapwire.avro.FlowEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlowEventCodecTest {
  @TempDir Path dir;

  @Test
  void shouldRoundTripEveryEventOfAFlow() throws IOException {
    FlowEventCodec codec = new FlowEventCodec(dir);
    for (FlowEvent event : TestFlows.flow(UUID.randomUUID(), 2, 300)) {
      assertThat(codec.decode(codec.encode(event))).isEqualTo(event);
    }
  }

  @Test
  void shouldReadEventsSpooledByAnOlderVersionWithFewerOptionalFields() throws IOException {
    // The "older" writer schema: today's without FlowEnd.request_parts/response_parts (defaults 0).
    String json = FlowEvent.getClassSchema().toString();
    String older =
        json.replace(
                ",{\"name\":\"request_parts\",\"type\":\"int\",\"doc\":\"Number of REQUEST body-part"
                    + " events published for this flow.\",\"default\":0}",
                "")
            .replace(
                ",{\"name\":\"response_parts\",\"type\":\"int\",\"doc\":\"Number of RESPONSE"
                    + " body-part or SSE chunk events published for this flow.\",\"default\":0}",
                "");
    assertThat(older).isNotEqualTo(json);
    Schema oldSchema = new Schema.Parser().parse(older);
    // an older Tapwire stored its writer schema next to its spool segments
    long fingerprint = SchemaNormalization.parsingFingerprint64(oldSchema);
    Files.writeString(
        dir.resolve(String.format("schema-%016x.avsc", fingerprint)),
        older,
        StandardCharsets.UTF_8);

    FlowEvent current = TestFlows.flow(UUID.randomUUID(), 0, 0).get(1); // the FlowEnd
    Schema oldFlowEnd = oldSchema.getField("payload").schema().getTypes().get(4);
    assertThat(oldFlowEnd.getName()).isEqualTo("FlowEnd");
    FlowEnd end = (FlowEnd) current.getPayload();
    GenericRecord oldEnd = new GenericData.Record(oldFlowEnd);
    oldEnd.put(
        "termination",
        new GenericData.EnumSymbol(oldFlowEnd.getField("termination").schema(), "COMPLETE"));
    oldEnd.put("detail", null);
    oldEnd.put("request_bytes", end.getRequestBytes());
    oldEnd.put("response_bytes", end.getResponseBytes());
    oldEnd.put("request_sha256", end.getRequestSha256());
    oldEnd.put("response_sha256", end.getResponseSha256());
    oldEnd.put("connect_micros", null);
    oldEnd.put("tls_handshake_micros", null);
    oldEnd.put("first_byte_micros", null);
    oldEnd.put("total_micros", end.getTotalMicros());
    GenericRecord oldEvent = new GenericData.Record(oldSchema);
    oldEvent.put("flow_id", current.getFlowId().toString());
    oldEvent.put("seq", current.getSeq());
    oldEvent.put("proxy_id", current.getProxyId());
    oldEvent.put("event_time", 1_700_000_000_000_000L);
    oldEvent.put("payload", oldEnd);
    ByteArrayOutputStream spooled = new ByteArrayOutputStream();
    new BinaryMessageEncoder<GenericRecord>(GenericData.get(), oldSchema).encode(oldEvent, spooled);

    FlowEvent read = new FlowEventCodec(dir).decode(spooled.toByteArray());
    assertThat(read.getFlowId()).isEqualTo(current.getFlowId());
    FlowEnd readEnd = (FlowEnd) read.getPayload();
    assertThat(readEnd.getTotalMicros()).isEqualTo(end.getTotalMicros());
    assertThat(readEnd.getRequestParts()).isZero();
    assertThat(readEnd.getResponseParts()).isZero();
  }

  @Test
  void shouldRefuseBytesOfAnUnknownSchema() throws IOException {
    FlowEventCodec codec = new FlowEventCodec(dir);
    byte[] bytes = codec.encode(TestFlows.flow(UUID.randomUUID(), 0, 0).get(0));
    bytes[5] ^= 0x55; // corrupt the schema fingerprint
    assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOf(IOException.class);
    assertThat(List.of(dir.toFile().list())).anyMatch(n -> n.startsWith("schema-"));
  }
}

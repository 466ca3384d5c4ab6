package dev.tapwire.sink.parquet;

import dev.tapwire.avro.BodyPart;
import dev.tapwire.avro.FlowEnd;
import dev.tapwire.avro.FlowError;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.Header;
import dev.tapwire.avro.RequestHead;
import dev.tapwire.avro.ResponseHead;
import dev.tapwire.avro.SseChunk;
import dev.tapwire.avro.SseFrame;
import dev.tapwire.avro.TlsInfo;
import dev.tapwire.avro.Tunnel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Maps {@link FlowEvent}s to rows of the flows dataset and back. The row has a column per payload
 * field for querying, plus {@code event_avro}: the Avro binary of the whole event in this build's
 * FlowEvent schema with the body bytes left empty (they are in the {@code body} column once), from
 * which {@link #rebuild} restores the event exactly.
 */
public final class FlowRows {

  /** The row schema ({@code flow-row.avsc}). */
  public static final Schema SCHEMA = loadSchema();

  /** Row data model: UUIDs as {@link java.util.UUID}, timestamps as {@link java.time.Instant}. */
  static final GenericData MODEL = newModel();

  /** Hex CRC-64-AVRO parsing fingerprint of this build's FlowEvent schema. */
  public static final String EVENT_SCHEMA_FINGERPRINT =
      HexFormat.of()
          .formatHex(
              ByteBuffer.allocate(8)
                  .putLong(SchemaNormalization.parsingFingerprint64(FlowEvent.getClassSchema()))
                  .array());

  private static final Schema HEADER =
      SCHEMA.getField("headers").schema().getTypes().get(1).getElementType();
  private static final Schema FRAME =
      SCHEMA.getField("sse_frames").schema().getTypes().get(1).getElementType();
  private static final ByteBuffer EMPTY = ByteBuffer.wrap(new byte[0]);

  private FlowRows() {}

  /**
   * The row of {@code event}.
   *
   * @throws IllegalArgumentException if the payload is of an unknown type
   */
  public static GenericRecord toRow(FlowEvent event) {
    GenericData.Record row = new GenericData.Record(SCHEMA);
    row.put("flow_id", event.getFlowId());
    row.put("seq", event.getSeq());
    row.put("proxy_id", event.getProxyId());
    row.put("event_time", event.getEventTime());
    Object payload = event.getPayload();
    ByteBuffer body = null;
    Object stripped = payload;
    if (payload instanceof RequestHead h) {
      row.put("event_type", "REQUEST_HEAD");
      row.put("method", h.getMethod());
      row.put("scheme", h.getScheme());
      row.put("host", h.getHost());
      row.put("port", h.getPort());
      row.put("path", h.getPath());
      row.put("http_version", h.getHttpVersion());
      row.put("headers", headers(h.getHeaders()));
      row.put("client_address", h.getClientAddress());
      row.put("capture_mode", h.getMode().name());
      row.put("connection_id", h.getConnectionId());
      TlsInfo tls = h.getTls();
      if (tls != null) {
        row.put("tls_sni", tls.getSni());
        row.put("tls_alpn", tls.getAlpn());
        row.put("tls_protocol", tls.getProtocol());
        row.put("tls_cipher_suite", tls.getCipherSuite());
      }
    } else if (payload instanceof BodyPart p) {
      row.put("event_type", "BODY_PART");
      row.put("direction", p.getDirection().name());
      row.put("body_offset", p.getOffset());
      body = p.getData();
      stripped = new BodyPart(p.getDirection(), p.getOffset(), EMPTY);
    } else if (payload instanceof ResponseHead h) {
      row.put("event_type", "RESPONSE_HEAD");
      row.put("status", h.getStatus());
      row.put("reason", h.getReason());
      row.put("http_version", h.getHttpVersion());
      row.put("headers", headers(h.getHeaders()));
      row.put("first_byte_micros", h.getFirstByteMicros());
    } else if (payload instanceof SseChunk c) {
      row.put("event_type", "SSE_CHUNK");
      row.put("direction", "RESPONSE");
      row.put("body_offset", c.getOffset());
      body = c.getData();
      row.put("sse_frames", frames(c.getFrames()));
      stripped = new SseChunk(c.getOffset(), EMPTY, c.getFrames());
    } else if (payload instanceof FlowEnd e) {
      row.put("event_type", "FLOW_END");
      row.put("termination", e.getTermination().name());
      row.put("detail", e.getDetail());
      row.put("request_bytes", e.getRequestBytes());
      row.put("response_bytes", e.getResponseBytes());
      row.put("request_sha256", e.getRequestSha256());
      row.put("response_sha256", e.getResponseSha256());
      row.put("connect_micros", e.getConnectMicros());
      row.put("tls_handshake_micros", e.getTlsHandshakeMicros());
      row.put("first_byte_micros", e.getFirstByteMicros());
      row.put("total_micros", e.getTotalMicros());
      row.put("request_parts", e.getRequestParts());
      row.put("response_parts", e.getResponseParts());
    } else if (payload instanceof Tunnel t) {
      row.put("event_type", "TUNNEL");
      row.put("host", t.getHost());
      row.put("port", t.getPort());
      row.put("client_address", t.getClientAddress());
      row.put("tunnel_start_time", t.getStartTime());
      row.put("tunnel_duration_micros", t.getDurationMicros());
      row.put("bytes_client_to_upstream", t.getBytesClientToUpstream());
      row.put("bytes_upstream_to_client", t.getBytesUpstreamToClient());
      row.put("termination", t.getTermination().name());
      row.put("detail", t.getDetail());
    } else if (payload instanceof FlowError e) {
      row.put("event_type", "FLOW_ERROR");
      row.put("error_kind", e.getKind().name());
      row.put("error_message", e.getMessage());
      row.put("client_address", e.getClientAddress());
      row.put("error_target", e.getTarget());
      row.put("error_status_sent", e.getStatusSent());
    } else {
      throw new IllegalArgumentException(
          "unknown flow event payload "
              + (payload == null ? "null" : payload.getClass().getName()));
    }
    row.put("body", body == null ? null : body.duplicate());
    FlowEvent withoutBody =
        stripped == payload
            ? event
            : new FlowEvent(
                event.getFlowId(),
                event.getSeq(),
                event.getProxyId(),
                event.getEventTime(),
                stripped);
    row.put("event_avro", ByteBuffer.wrap(encode(withoutBody)));
    row.put("event_schema_fingerprint", EVENT_SCHEMA_FINGERPRINT);
    return row;
  }

  /**
   * Rebuilds the original event from the {@code event_avro} and {@code body} columns of a row.
   *
   * @param eventAvro the {@code event_avro} value, written in this build's FlowEvent schema
   * @param body the {@code body} value (null for events without body bytes)
   * @throws UncheckedIOException if {@code eventAvro} is not a FlowEvent
   */
  public static FlowEvent rebuild(byte[] eventAvro, byte[] body) {
    FlowEvent event;
    try {
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(eventAvro, null);
      event = new SpecificDatumReader<>(FlowEvent.class).read(null, decoder);
    } catch (IOException e) {
      throw new UncheckedIOException("event_avro is not a FlowEvent", e);
    }
    if (body != null) {
      if (event.getPayload() instanceof BodyPart p) {
        p.setData(ByteBuffer.wrap(body));
      } else if (event.getPayload() instanceof SseChunk c) {
        c.setData(ByteBuffer.wrap(body));
      }
    }
    return event;
  }

  private static byte[] encode(FlowEvent event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    try {
      new SpecificDatumWriter<>(FlowEvent.class).write(event, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static List<GenericRecord> headers(List<Header> headers) {
    return headers.stream()
        .map(
            h -> {
              GenericRecord r = new GenericData.Record(HEADER);
              r.put("name", h.getName());
              r.put("value", h.getValue());
              return r;
            })
        .toList();
  }

  private static List<GenericRecord> frames(List<SseFrame> frames) {
    return frames.stream()
        .map(
            f -> {
              GenericRecord r = new GenericData.Record(FRAME);
              r.put("length", f.getLength());
              r.put("arrival_time", f.getArrivalTime());
              r.put("complete", f.getComplete());
              return r;
            })
        .toList();
  }

  private static Schema loadSchema() {
    try (InputStream in = FlowRows.class.getResourceAsStream("flow-row.avsc")) {
      if (in == null) {
        throw new IllegalStateException("flow-row.avsc missing from the classpath");
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static GenericData newModel() {
    GenericData model = new GenericData();
    model.addLogicalTypeConversion(new Conversions.UUIDConversion());
    model.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
    return model;
  }
}

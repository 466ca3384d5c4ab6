package dev.tapwire.proxy.publish;

import dev.tapwire.avro.FlowEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;

/**
 * Encodes flow events for the spool, independently of the schema registry (which may be down
 * exactly when events are spooled): Avro single-object encoding (2-byte marker, 8-byte CRC-64-AVRO
 * schema fingerprint, Avro binary;
 * avro.apache.org/docs/1.12.0/specification/#single-object-encoding).
 *
 * <p>The writer schema is stored next to the spool segments as {@code schema-<fingerprint>.avsc},
 * so events spooled by an older Tapwire version can still be read after an upgrade that added
 * optional fields. Thread-safe.
 */
final class FlowEventCodec {
  private static final String PREFIX = "schema-";
  private static final String SUFFIX = ".avsc";

  private final BinaryMessageEncoder<FlowEvent> encoder = FlowEvent.getEncoder();
  private final BinaryMessageDecoder<FlowEvent> decoder;

  /**
   * @param dir the spool directory; the current schema is written there if not yet present
   * @throws IOException if the schema files cannot be read or written
   */
  FlowEventCodec(Path dir) throws IOException {
    Files.createDirectories(dir);
    Schema current = FlowEvent.getClassSchema();
    Path own = dir.resolve(fileName(current));
    if (!Files.exists(own)) {
      Path tmp = dir.resolve(own.getFileName() + ".tmp");
      Files.writeString(tmp, current.toString(), StandardCharsets.UTF_8);
      Files.move(
          tmp,
          own,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    SchemaStore.Cache store = new SchemaStore.Cache();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file :
          files
              .filter(
                  p -> {
                    String n = p.getFileName().toString();
                    return n.startsWith(PREFIX) && n.endsWith(SUFFIX);
                  })
              .toList()) {
        store.addSchema(new Schema.Parser().parse(Files.readString(file, StandardCharsets.UTF_8)));
      }
    }
    this.decoder = FlowEvent.createDecoder(store);
  }

  private static String fileName(Schema schema) {
    long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
    return PREFIX + HexFormat.of().toHexDigits(fingerprint) + SUFFIX;
  }

  byte[] encode(FlowEvent event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try {
      encoder.encode(event, out);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode flow event " + event.getFlowId(), e);
    }
    return out.toByteArray();
  }

  /**
   * @throws IOException if the bytes are not a single-object-encoded flow event of a known schema
   */
  FlowEvent decode(byte[] bytes) throws IOException {
    try {
      return decoder.decode(bytes);
    } catch (AvroRuntimeException e) {
      // MissingSchemaException, BadHeaderException, malformed data
      throw new IOException("Not a readable spooled flow event: " + e.getMessage(), e);
    }
  }
}

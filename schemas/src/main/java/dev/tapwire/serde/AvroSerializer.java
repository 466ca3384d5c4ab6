package dev.tapwire.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka {@link Serializer} writing Avro in the Confluent wire format ({@link WireFormat}).
 *
 * <p>Accepts generated specific records, {@link org.apache.avro.generic.GenericRecord}s (logical
 * types as raw values or as their Java types: {@code Instant}, {@code BigDecimal}, {@code UUID})
 * and the Avro primitives ({@code String}, {@code Integer}, {@code Long}, {@code Float}, {@code
 * Double}, {@code Boolean}, {@code byte[]}, {@code ByteBuffer}). The subject is {@code <topic>-key}
 * or {@code <topic>-value}. With auto-register on, the record's schema is registered (the registry
 * checks compatibility); with it off, it must already be registered under the subject. {@code null}
 * serializes to {@code null} (a tombstone).
 *
 * <p>Errors are Kafka {@link SerializationException}s whose cause is the registry or Avro error:
 * incompatible schema ({@link IncompatibleSchemaException}), schema not registered ({@link
 * SchemaNotFoundException}, {@link SubjectNotFoundException}), unreachable registry ({@link
 * SchemaRegistryUnavailableException}), a datum that does not match its schema. Thread-safe.
 *
 * @param <T> the record type
 */
public class AvroSerializer<T> implements Serializer<T> {
  private static final GenericData GENERIC_DATA = genericDataWithConversions();

  private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();

  /** Retained size limit of a thread's encode buffer, bytes. */
  private static final int MAX_RETAINED_BUFFER_BYTES = 2 * 1024 * 1024;

  /**
   * Per-thread encode buffer and encoder, reused so that a 256 KiB body part is not re-grown from
   * 256 bytes (about ten copies) on every call; the result is still one exact-size copy.
   */
  private static final class EncodeBuffer {
    final ByteArrayOutputStream out = new ByteArrayOutputStream(8 * 1024);
    BinaryEncoder encoder;
  }

  private static final ThreadLocal<EncodeBuffer> BUFFERS =
      ThreadLocal.withInitial(EncodeBuffer::new);

  private final Map<Schema, DatumWriter<Object>> specificWriters = new ConcurrentHashMap<>();
  private final Map<Schema, DatumWriter<Object>> genericWriters = new ConcurrentHashMap<>();

  private volatile SchemaRegistryClient client;
  private volatile boolean autoRegister;
  private volatile boolean isKey;

  /**
   * Creates a serializer to be configured by Kafka with {@link SerdeConfig} settings ({@code
   * schema.registry.url} is then required).
   */
  public AvroSerializer() {
    this.autoRegister = true;
  }

  /**
   * Creates a ready-to-use serializer.
   *
   * @param client the registry to register or look up schemas in
   * @param autoRegister whether to register schemas the subject does not have yet
   * @param isKey whether it serializes keys (subject {@code <topic>-key}) or values
   */
  public AvroSerializer(SchemaRegistryClient client, boolean autoRegister, boolean isKey) {
    this.client = Objects.requireNonNull(client, "client");
    this.autoRegister = autoRegister;
    this.isKey = isKey;
  }

  /**
   * Applies {@link SerdeConfig} settings. A client given to the constructor is kept; otherwise one
   * is created for {@code schema.registry.url}. {@code auto.register.schemas} overrides the
   * constructor's choice only when present.
   */
  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    SerdeConfig config = new SerdeConfig(configs);
    this.isKey = isKey;
    if (configs.containsKey(SerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG)) {
      this.autoRegister = config.autoRegisterSchemas();
    }
    if (client == null) {
      client = config.createClient();
    }
  }

  /** The registry this serializer uses, or null before {@link #configure}. */
  public SchemaRegistryClient client() {
    return client;
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    SchemaRegistryClient registry = client;
    if (registry == null) {
      throw new SerializationException(
          "AvroSerializer is not configured: pass a SchemaRegistryClient or set "
              + SerdeConfig.SCHEMA_REGISTRY_URL_CONFIG);
    }
    Schema schema = schemaOf(data);
    String subject = SubjectNames.forTopic(topic, isKey);
    int id = schemaId(registry, subject, schema);
    EncodeBuffer buffer = BUFFERS.get();
    ByteArrayOutputStream out = buffer.out;
    out.reset();
    out.write(WireFormat.MAGIC_BYTE);
    out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
    try {
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, buffer.encoder);
      buffer.encoder = encoder;
      Object datum = data instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : data;
      writerFor(datum, schema).write(datum, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      BUFFERS.remove(); // the encoder may hold a partial datum; never reuse it
      throw new SerializationException(
          "Cannot encode "
              + data.getClass().getName()
              + " for topic "
              + topic
              + " with schema "
              + schema.getFullName()
              + " (id "
              + id
              + "): "
              + e.getMessage(),
          e);
    }
    byte[] bytes = out.toByteArray();
    if (bytes.length > MAX_RETAINED_BUFFER_BYTES) {
      BUFFERS.remove(); // do not keep a rare huge buffer per thread
    }
    return bytes;
  }

  private int schemaId(SchemaRegistryClient registry, String subject, Schema schema) {
    Map<Schema, Integer> ids =
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
    Integer cached = ids.get(schema);
    if (cached != null) {
      return cached;
    }
    int id;
    try {
      id =
          autoRegister ? registry.register(subject, schema) : registry.lookup(subject, schema).id();
    } catch (IncompatibleSchemaException e) {
      throw new SerializationException(
          "Schema "
              + schema.getFullName()
              + " is incompatible with subject "
              + subject
              + ": "
              + e.getMessage(),
          e);
    } catch (SubjectNotFoundException | SchemaNotFoundException e) {
      throw new SerializationException(
          "Schema "
              + schema.getFullName()
              + " is not registered under subject "
              + subject
              + " and auto-register is off: "
              + e.getMessage(),
          e);
    } catch (SchemaRegistryUnavailableException e) {
      throw new SerializationException(
          "Schema registry unreachable while resolving subject " + subject + ": " + e.getMessage(),
          e);
    } catch (SchemaRegistryException e) {
      throw new SerializationException(
          "Schema registry error for subject " + subject + ": " + e.getMessage(), e);
    }
    ids.put(schema, id);
    return id;
  }

  private DatumWriter<Object> writerFor(Object data, Schema schema) {
    if (data instanceof SpecificRecordBase specific) {
      return specificWriters.computeIfAbsent(
          schema, s -> new SpecificWriter(s, specific.getSpecificData()));
    }
    return genericWriters.computeIfAbsent(schema, s -> new GenericWriter(s, GENERIC_DATA));
  }

  /**
   * Writes an Avro {@code bytes} value: a heap buffer's array range goes to the encoder as it is.
   * Avro 1.12's {@code BufferedBinaryEncoder.writeFixed(ByteBuffer)} first makes the buffer
   * read-only, which hides its array, and the base {@code Encoder} then copies every byte into a
   * new array before writing it: one extra allocation and copy of each body part.
   */
  static void writeBytes(Object datum, Encoder out) throws IOException {
    ByteBuffer bytes = (ByteBuffer) datum;
    if (bytes.hasArray()) {
      out.writeBytes(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
    } else {
      out.writeBytes(bytes);
    }
  }

  /** A {@link SpecificDatumWriter} that writes {@code bytes} through {@link #writeBytes}. */
  private static final class SpecificWriter extends SpecificDatumWriter<Object> {
    SpecificWriter(Schema schema, SpecificData data) {
      super(schema, data);
    }

    @Override
    protected void writeBytes(Object datum, Encoder out) throws IOException {
      AvroSerializer.writeBytes(datum, out);
    }
  }

  /** A {@link GenericDatumWriter} that writes {@code bytes} through {@link #writeBytes}. */
  private static final class GenericWriter extends GenericDatumWriter<Object> {
    GenericWriter(Schema schema, GenericData data) {
      super(schema, data);
    }

    @Override
    protected void writeBytes(Object datum, Encoder out) throws IOException {
      AvroSerializer.writeBytes(datum, out);
    }
  }

  /** The Avro schema of a datum the serializer accepts. */
  static Schema schemaOf(Object data) {
    if (data instanceof GenericContainer container) {
      return container.getSchema();
    }
    if (data instanceof CharSequence) {
      return Schema.create(Schema.Type.STRING);
    }
    if (data instanceof Integer) {
      return Schema.create(Schema.Type.INT);
    }
    if (data instanceof Long) {
      return Schema.create(Schema.Type.LONG);
    }
    if (data instanceof Float) {
      return Schema.create(Schema.Type.FLOAT);
    }
    if (data instanceof Double) {
      return Schema.create(Schema.Type.DOUBLE);
    }
    if (data instanceof Boolean) {
      return Schema.create(Schema.Type.BOOLEAN);
    }
    if (data instanceof byte[] || data instanceof ByteBuffer) {
      return Schema.create(Schema.Type.BYTES);
    }
    throw new SerializationException(
        "Cannot serialize "
            + data.getClass().getName()
            + " as Avro: expected a generated record, a GenericRecord or an Avro primitive");
  }

  private static GenericData genericDataWithConversions() {
    GenericData data = new GenericData();
    data.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
    data.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
    data.addLogicalTypeConversion(new TimeConversions.DateConversion());
    data.addLogicalTypeConversion(new org.apache.avro.Conversions.DecimalConversion());
    data.addLogicalTypeConversion(new org.apache.avro.Conversions.UUIDConversion());
    return data;
  }
}

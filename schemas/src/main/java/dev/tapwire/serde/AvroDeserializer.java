package dev.tapwire.serde;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.Utf8;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka {@link Deserializer} reading Avro in the Confluent wire format ({@link WireFormat}).
 *
 * <p>The writer schema is fetched from the registry by the id in the message (and cached). With a
 * target class, the reader schema is that generated class's schema and Avro schema resolution maps
 * the writer's data onto it (fields added with defaults, removed fields skipped); the result is an
 * instance of the class with logical types as Java types ({@code Instant}, {@code BigDecimal},
 * {@code UUID}). Without one, the result is a {@link org.apache.avro.generic.GenericRecord} in the
 * writer schema with logical types as raw Avro values ({@code long}, {@code ByteBuffer}, {@code
 * Utf8}), as Confluent's deserializer does, or a primitive ({@code String} for a top-level string).
 * {@code null} or an empty array deserializes to {@code null}.
 *
 * <p>Errors are Kafka {@link SerializationException}s with the cause: an unknown magic byte or a
 * message shorter than 5 bytes, an unknown schema id ({@link SchemaNotFoundException}), a writer
 * schema the reader schema cannot read (incompatible), an unreachable registry ({@link
 * SchemaRegistryUnavailableException}) or corrupt Avro data. Thread-safe.
 *
 * @param <T> the record type
 */
public class AvroDeserializer<T> implements Deserializer<T> {
  private final Map<Integer, DatumReader<Object>> readersById = new ConcurrentHashMap<>();
  private final Class<T> type;

  private volatile SchemaRegistryClient client;
  private volatile boolean specificReader;

  /**
   * Creates a deserializer to be configured by Kafka with {@link SerdeConfig} settings; it returns
   * generic records unless {@code specific.avro.reader} is true.
   */
  public AvroDeserializer() {
    this.type = null;
  }

  /**
   * Creates a ready-to-use deserializer.
   *
   * @param client the registry to fetch writer schemas from
   * @param type the generated class to read into, or {@code null} for generic records
   */
  public AvroDeserializer(SchemaRegistryClient client, Class<T> type) {
    this.client = Objects.requireNonNull(client, "client");
    this.type = type;
  }

  /**
   * Applies {@link SerdeConfig} settings. A client given to the constructor is kept; otherwise one
   * is created for {@code schema.registry.url}.
   */
  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    SerdeConfig config = new SerdeConfig(configs);
    specificReader = config.specificAvroReader();
    if (client == null) {
      client = config.createClient();
    }
  }

  /** The registry this deserializer uses, or null before {@link #configure}. */
  public SchemaRegistryClient client() {
    return client;
  }

  @Override
  @SuppressWarnings("unchecked")
  public T deserialize(String topic, byte[] data) {
    if (data == null || data.length == 0) {
      return null;
    }
    SchemaRegistryClient registry = client;
    if (registry == null) {
      throw new SerializationException(
          "AvroDeserializer is not configured: pass a SchemaRegistryClient or set "
              + SerdeConfig.SCHEMA_REGISTRY_URL_CONFIG);
    }
    int id = WireFormat.schemaId(data);
    DatumReader<Object> reader = readersById.get(id);
    if (reader == null) {
      reader = newReader(registry, topic, id);
      readersById.putIfAbsent(id, reader);
    }
    Object value;
    try {
      BinaryDecoder decoder =
          DecoderFactory.get()
              .binaryDecoder(
                  data, WireFormat.HEADER_LENGTH, data.length - WireFormat.HEADER_LENGTH, null);
      value = reader.read(null, decoder);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "Cannot decode Avro data of topic "
              + topic
              + " with writer schema id "
              + id
              + ": "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage(),
          e);
    }
    if (value instanceof Utf8 utf8) {
      value = utf8.toString();
    }
    try {
      return (T) value;
    } catch (ClassCastException e) {
      throw new SerializationException("Decoded value has an unexpected type", e);
    }
  }

  private DatumReader<Object> newReader(SchemaRegistryClient registry, String topic, int id) {
    Schema writer;
    try {
      writer = registry.getById(id);
    } catch (SchemaNotFoundException e) {
      throw new SerializationException(
          "Unknown schema id " + id + " in a record of topic " + topic + ": " + e.getMessage(), e);
    } catch (SchemaRegistryUnavailableException e) {
      throw new SerializationException(
          "Schema registry unreachable while fetching schema id " + id + ": " + e.getMessage(), e);
    } catch (SchemaRegistryException e) {
      throw new SerializationException(
          "Schema registry error fetching schema id " + id + ": " + e.getMessage(), e);
    }
    Class<?> target = type;
    if (target == null && specificReader) {
      target = SpecificData.get().getClass(writer);
      if (target == null || !SpecificRecord.class.isAssignableFrom(target)) {
        throw new SerializationException(
            "specific.avro.reader is set but no generated class exists for "
                + writer.getFullName()
                + " (schema id "
                + id
                + ")");
      }
    }
    if (target == null) {
      return new GenericDatumReader<>(writer, writer, GenericData.get());
    }
    SpecificData model = SpecificData.getForClass(target);
    Schema readerSchema = model.getSchema(target);
    SchemaPairCompatibility compatibility =
        SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
    if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      throw new SerializationException(
          "Writer schema id "
              + id
              + " ("
              + writer.getFullName()
              + ") is incompatible with reader "
              + target.getName()
              + ": "
              + compatibility.getDescription(),
          new IncompatibleSchemaException(compatibility.getDescription()));
    }
    return new SpecificDatumReader<>(writer, readerSchema, model);
  }
}

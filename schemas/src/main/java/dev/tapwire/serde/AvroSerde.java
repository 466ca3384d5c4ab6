package dev.tapwire.serde;

import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serde} made of an {@link AvroSerializer} and an {@link AvroDeserializer}; usable
 * in Kafka Streams ({@code Consumed.with}, {@code Produced.with}, stores). Create it with {@link
 * AvroSerdes}, or let Kafka create it by class name ({@link #AvroSerde()}).
 *
 * @param <T> the record type
 */
public final class AvroSerde<T> implements Serde<T> {
  private final AvroSerializer<T> serializer;
  private final AvroDeserializer<T> deserializer;

  /**
   * A serde configured by Kafka from {@link SerdeConfig} settings, e.g. as Kafka Streams' {@code
   * default.value.serde}: {@code schema.registry.url} is required; it reads generic records, or
   * generated classes with {@code specific.avro.reader=true}.
   */
  public AvroSerde() {
    this(new AvroSerializer<>(), new AvroDeserializer<>());
  }

  /** Combines a serializer and a deserializer. */
  public AvroSerde(AvroSerializer<T> serializer, AvroDeserializer<T> deserializer) {
    this.serializer = serializer;
    this.deserializer = deserializer;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    serializer.configure(configs, isKey);
    deserializer.configure(configs, isKey);
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }
}

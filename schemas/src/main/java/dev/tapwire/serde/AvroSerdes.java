package dev.tapwire.serde;

import java.util.Map;
import java.util.Objects;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * Factory of Confluent-wire-format Avro {@link Serde}s for Kafka clients and Kafka Streams.
 *
 * <pre>{@code
 * Serde<FlowEvent> flows = AvroSerdes.specific(FlowEvent.class, registryClient, false);
 * builder.stream(Topics.RAW_FLOWS, Consumed.with(Serdes.String(), flows));
 * }</pre>
 *
 * <p>The serdes returned are already configured; Kafka Streams may use them directly.
 */
public final class AvroSerdes {
  private AvroSerdes() {}

  /**
   * A serde for a generated class that auto-registers its schema.
   *
   * @param type the generated class, e.g. {@code FlowEvent.class}
   * @param client the registry
   * @param isKey whether the serde is for keys (subject {@code <topic>-key}) or values
   */
  public static <T extends SpecificRecord> Serde<T> specific(
      Class<T> type, SchemaRegistryClient client, boolean isKey) {
    Objects.requireNonNull(type, "type");
    return new AvroSerde<>(
        new AvroSerializer<>(client, true, isKey), new AvroDeserializer<>(client, type));
  }

  /**
   * A serde for a generated class configured from Kafka-style settings ({@code schema.registry.url}
   * required, {@code auto.register.schemas} default true; see {@link SerdeConfig}).
   *
   * @throws org.apache.kafka.common.config.ConfigException if the settings are invalid
   */
  public static <T extends SpecificRecord> Serde<T> specific(
      Class<T> type, Map<String, ?> configs, boolean isKey) {
    Objects.requireNonNull(type, "type");
    SerdeConfig config = new SerdeConfig(configs);
    SchemaRegistryClient client = config.createClient();
    return new AvroSerde<>(
        new AvroSerializer<>(client, config.autoRegisterSchemas(), isKey),
        new AvroDeserializer<>(client, type));
  }

  /**
   * A serde for generic records that auto-registers their schemas; it reads records in their writer
   * schema (logical types as raw values).
   */
  public static Serde<GenericRecord> generic(SchemaRegistryClient client, boolean isKey) {
    return new AvroSerde<>(
        new AvroSerializer<>(client, true, isKey), new AvroDeserializer<>(client, null));
  }

  /** A serde for generic records configured from Kafka-style settings (see {@link SerdeConfig}). */
  public static Serde<GenericRecord> generic(Map<String, ?> configs, boolean isKey) {
    SerdeConfig config = new SerdeConfig(configs);
    SchemaRegistryClient client = config.createClient();
    return new AvroSerde<>(
        new AvroSerializer<>(client, config.autoRegisterSchemas(), isKey),
        new AvroDeserializer<>(client, null));
  }
}

package dev.tapwire.serde;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of {@link AvroSerializer} and {@link AvroDeserializer}, with Confluent's key names where
 * Confluent has one. Passed as Kafka client or Kafka Streams properties.
 */
public final class SerdeConfig extends AbstractConfig {
  /** Base URL of the schema registry, e.g. {@code http://127.0.0.1:8081} (one URL). */
  public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";

  /** Whether the serializer registers a schema the subject does not have yet (default true). */
  public static final String AUTO_REGISTER_SCHEMAS_CONFIG = "auto.register.schemas";

  /**
   * Whether a deserializer without a target class returns generated specific classes (found by the
   * writer schema's full name) instead of generic records (default false).
   */
  public static final String SPECIFIC_AVRO_READER_CONFIG = "specific.avro.reader";

  /** Timeout of one registry HTTP request, milliseconds (default 10000). */
  public static final String REQUEST_TIMEOUT_MS_CONFIG = "schema.registry.request.timeout.ms";

  /** Retries of a failed registry request (connect failure, I/O error, 5xx; default 3). */
  public static final String MAX_RETRIES_CONFIG = "schema.registry.max.retries";

  /** Backoff before the first retry, milliseconds, doubled per retry (default 100). */
  public static final String RETRY_BACKOFF_MS_CONFIG = "schema.registry.retry.backoff.ms";

  private static final ConfigDef DEFINITION =
      new ConfigDef()
          .define(
              SCHEMA_REGISTRY_URL_CONFIG,
              Type.STRING,
              null,
              Importance.HIGH,
              "Base URL of the Confluent-compatible schema registry, e.g. http://127.0.0.1:8081."
                  + " Required unless a SchemaRegistryClient is passed in code.")
          .define(
              AUTO_REGISTER_SCHEMAS_CONFIG,
              Type.BOOLEAN,
              true,
              Importance.MEDIUM,
              "Register the record's schema under <topic>-key/-value when the subject does not"
                  + " have it; when false the schema must already be registered.")
          .define(
              SPECIFIC_AVRO_READER_CONFIG,
              Type.BOOLEAN,
              false,
              Importance.LOW,
              "Deserialize into generated specific classes instead of GenericRecord when no"
                  + " target class is given.")
          .define(
              REQUEST_TIMEOUT_MS_CONFIG,
              Type.INT,
              10_000,
              ConfigDef.Range.atLeast(1),
              Importance.LOW,
              "Timeout of one schema-registry HTTP request, in milliseconds.")
          .define(
              MAX_RETRIES_CONFIG,
              Type.INT,
              3,
              ConfigDef.Range.atLeast(0),
              Importance.LOW,
              "Retries of a registry request that failed to connect or got a 5xx answer.")
          .define(
              RETRY_BACKOFF_MS_CONFIG,
              Type.LONG,
              100L,
              ConfigDef.Range.atLeast(0),
              Importance.LOW,
              "Backoff before the first retry in milliseconds; doubles with each retry.");

  /**
   * Parses and validates serde settings; unknown keys (other Kafka settings) are ignored.
   *
   * @throws ConfigException if a value has the wrong type or range
   */
  public SerdeConfig(Map<?, ?> originals) {
    super(DEFINITION, originals, false);
  }

  /** The definition of every serde setting, e.g. for generated documentation. */
  public static ConfigDef configDef() {
    return new ConfigDef(DEFINITION);
  }

  /** Whether {@value #AUTO_REGISTER_SCHEMAS_CONFIG} is set. */
  public boolean autoRegisterSchemas() {
    return getBoolean(AUTO_REGISTER_SCHEMAS_CONFIG);
  }

  /** Whether {@value #SPECIFIC_AVRO_READER_CONFIG} is set. */
  public boolean specificAvroReader() {
    return getBoolean(SPECIFIC_AVRO_READER_CONFIG);
  }

  /**
   * Creates a REST client for {@value #SCHEMA_REGISTRY_URL_CONFIG}.
   *
   * @throws ConfigException if the URL is missing, lists several URLs or is not an http(s) URL
   */
  public SchemaRegistryClient createClient() {
    String url = getString(SCHEMA_REGISTRY_URL_CONFIG);
    if (url == null || url.isBlank()) {
      throw new ConfigException(
          SCHEMA_REGISTRY_URL_CONFIG
              + " is required when no SchemaRegistryClient is given (e.g. http://127.0.0.1:8081)");
    }
    if (url.contains(",")) {
      throw new ConfigException(SCHEMA_REGISTRY_URL_CONFIG, url, "only one URL is supported");
    }
    try {
      return new RestSchemaRegistryClient(
          url,
          Duration.ofMillis(getInt(REQUEST_TIMEOUT_MS_CONFIG)),
          getInt(MAX_RETRIES_CONFIG),
          Duration.ofMillis(getLong(RETRY_BACKOFF_MS_CONFIG)));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(SCHEMA_REGISTRY_URL_CONFIG, url, e.getMessage());
    }
  }
}

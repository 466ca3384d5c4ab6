package dev.tapwire.processor;

import dev.tapwire.testkit.KafkaEnvironment;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Fresh raw-flow, call-record and dead-letter topics on the test broker, and the settings of a
 * processor that reads and writes them (unique application id, state under {@code dir}, the
 * broker's bootstrap servers and registry). Tests add what they vary to {@link #settings}.
 *
 * @param input raw flow topic, {@code partitions} partitions
 * @param output call record topic, {@code partitions} partitions
 * @param dlq dead-letter topic, 1 partition
 * @param applicationId the processor's application id (its consumer group)
 * @param settings mutable processor settings
 */
public record ProcessorTestSetup(
    String input, String output, String dlq, String applicationId, Map<String, String> settings) {

  /** Creates the topics and the settings. */
  public static ProcessorTestSetup create(KafkaEnvironment env, Path dir, int partitions) {
    String input = env.uniqueName("flows-raw");
    String output = env.uniqueName("calls");
    String dlq = env.uniqueName("flows-dlq");
    env.createTopic(input, partitions);
    env.createTopic(output, partitions);
    env.createTopic(dlq, 1);
    String applicationId = env.uniqueName("processor");
    Map<String, String> settings = new HashMap<>();
    settings.put(ProcessorConfig.APPLICATION_ID, applicationId);
    settings.put(ProcessorConfig.INPUT_TOPIC, input);
    settings.put(ProcessorConfig.OUTPUT_TOPIC, output);
    settings.put(ProcessorConfig.DLQ_TOPIC, dlq);
    settings.put(ProcessorConfig.STATE_DIR, dir.resolve("state").toString());
    settings.put("kafka.bootstrap.servers", env.bootstrapServers());
    settings.put("kafka.schema.registry.url", env.schemaRegistryUrl());
    return new ProcessorTestSetup(input, output, dlq, applicationId, settings);
  }
}

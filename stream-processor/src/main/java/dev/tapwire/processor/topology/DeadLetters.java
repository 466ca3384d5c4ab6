package dev.tapwire.processor.topology;

import dev.tapwire.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Clock;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Builds {@link DeadLetter} records carrying the original bytes and their source coordinates. */
final class DeadLetters {
  private final String application;
  private final Clock clock;

  DeadLetters(String application, Clock clock) {
    this.application = application;
    this.clock = clock;
  }

  DeadLetter of(
      RecordMetadata source,
      byte[] key,
      byte[] value,
      String stage,
      String reason,
      Throwable error) {
    return DeadLetter.newBuilder()
        .setSourceTopic(source == null ? "" : source.topic())
        .setSourcePartition(source == null ? -1 : source.partition())
        .setSourceOffset(source == null ? -1 : source.offset())
        .setKey(key == null ? null : ByteBuffer.wrap(key))
        .setValue(value == null ? null : ByteBuffer.wrap(value))
        .setStage(stage)
        .setReason(reason)
        .setErrorClass(error == null ? null : error.getClass().getName())
        .setApplication(application)
        .setFailedAt(clock.instant())
        .build();
  }
}

package dev.tapwire.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tapwire.testkit.KafkaEnvironment;
import dev.tapwire.testkit.KafkaExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clean {@link StreamProcessorService#close()} leaves the consumer group at once, on the real
 * (embedded) broker: the group has no member long before the closed member's session would expire.
 */
@ExtendWith(KafkaExtension.class)
class StreamProcessorServiceCloseTest {
  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void shouldLeaveTheConsumerGroupOnCleanClose(KafkaEnvironment env) throws Exception {
    ProcessorTestSetup setup = ProcessorTestSetup.create(env, dir, 1);
    String applicationId = setup.applicationId();
    Map<String, String> settings = setup.settings();
    // a member that does not leave stays in the group this long after close
    settings.put("kafka.session.timeout.ms", Long.toString(SESSION_TIMEOUT.toMillis()));

    StreamProcessorService service =
        new StreamProcessorService(new ProcessorConfig(settings), Clock.systemUTC());
    try {
      service.start();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  service.state() == KafkaStreams.State.RUNNING
                      && members(env, applicationId) == 1);
    } finally {
      service.close();
    }

    long closedAt = System.nanoTime();
    await().atMost(Duration.ofSeconds(15)).until(() -> members(env, applicationId) == 0);
    assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(SESSION_TIMEOUT);
  }

  private static int members(KafkaEnvironment env, String group) throws Exception {
    ConsumerGroupDescription description =
        env.admin()
            .describeConsumerGroups(List.of(group))
            .describedGroups()
            .get(group)
            .get(10, TimeUnit.SECONDS);
    return description.members().size();
  }
}

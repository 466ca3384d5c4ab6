package dev.tapwire.proxy.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** A signal wakes a consumer parked for a long interval; work already there means no park. */
class ConsumerWakeUpTest {
  private static final long LONG_PARK_NANOS = TimeUnit.SECONDS.toNanos(60);

  @Test
  void shouldWakeAParkedConsumerOnSignal() throws Exception {
    ConsumerWakeUp wakeUp = new ConsumerWakeUp();
    Thread consumer = new Thread(() -> wakeUp.await(() -> false, LONG_PARK_NANOS));
    consumer.setDaemon(true);
    consumer.start();
    Awaitility.await().until(() -> consumer.getState() == Thread.State.TIMED_WAITING);
    wakeUp.signal();
    consumer.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(consumer.isAlive()).isFalse();
  }

  @Test
  void shouldNotParkWhenWorkIsAlreadyThere() throws Exception {
    ConsumerWakeUp wakeUp = new ConsumerWakeUp();
    Thread consumer = new Thread(() -> wakeUp.await(() -> true, LONG_PARK_NANOS));
    consumer.setDaemon(true);
    consumer.start();
    consumer.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(consumer.isAlive()).isFalse();
  }
}

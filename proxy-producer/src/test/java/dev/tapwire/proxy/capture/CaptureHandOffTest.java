package dev.tapwire.proxy.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.avro.ErrorKind;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.avro.Termination;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The capture wakes the sink's thread once per event-loop iteration that published, after all of
 * that iteration's events, and at once for events published off an event loop.
 */
class CaptureHandOffTest {
  /** Records, at each hand-off, how many events had been published by then. */
  static final class CountingSink implements FlowEventSink {
    final List<FlowEvent> events = new CopyOnWriteArrayList<>();
    final List<Integer> handOffs = new CopyOnWriteArrayList<>();

    @Override
    public void publish(FlowEvent event) {
      events.add(event);
    }

    @Override
    public void handOff() {
      handOffs.add(events.size());
    }

    @Override
    public boolean isHealthy() {
      return true;
    }

    @Override
    public void close() {}
  }

  private final CountingSink sink = new CountingSink();
  private final Capture capture =
      new Capture(
          sink,
          new HeaderRedactor(new byte[32], List.of()),
          "test-proxy",
          Clock.systemUTC(),
          CapturePolicy.FORWARD,
          5,
          new SimpleMeterRegistry());
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

  @AfterEach
  void stopLoop() throws Exception {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  @Test
  void shouldHandOffOnceAfterAllEventsOfOneLoopIteration() throws Exception {
    EventLoop loop = group.next();
    loop.submit(
            () -> {
              for (int flow = 0; flow < 2; flow++) {
                FlowRecorder recorder = capture.newFlow(loop);
                recorder.error(ErrorKind.UPSTREAM_RESET, "test", "client", "upstream:443", 502);
                recorder.end(
                    Termination.UPSTREAM_RESET,
                    "test",
                    new FlowRecorder.Timings(null, null, null, 1));
              }
              assertThat(sink.handOffs).isEmpty(); // not before the iteration ends
            })
        .sync();
    // the hand-off runs after the tasks of that iteration
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !sink.handOffs.isEmpty());
    loop.submit(() -> {}).sync();
    assertThat(sink.events).hasSize(4);
    assertThat(sink.handOffs).containsExactly(4);
  }

  @Test
  void shouldHandOffAtOnceOffAnEventLoop() {
    FlowRecorder recorder = capture.newFlow();
    recorder.error(ErrorKind.UPSTREAM_RESET, "test", "client", "upstream:443", 502);
    recorder.end(Termination.UPSTREAM_RESET, "test", new FlowRecorder.Timings(null, null, null, 1));
    assertThat(sink.handOffs).containsExactly(1, 2);
  }

  @Test
  void shouldHandOffAtOnceOnALoopThatRunsNoEndOfIterationTasks() throws Exception {
    EventLoop plain = new DefaultEventLoop(); // its run() never runs executeAfterEventLoopIteration
    try {
      plain
          .submit(
              () -> {
                FlowRecorder recorder = capture.newFlow(plain);
                recorder.error(ErrorKind.UPSTREAM_RESET, "test", "client", "upstream:443", 502);
                assertThat(sink.handOffs).containsExactly(1);
              })
          .sync();
    } finally {
      plain.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}

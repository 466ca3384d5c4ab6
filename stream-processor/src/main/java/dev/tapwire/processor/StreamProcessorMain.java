package dev.tapwire.processor;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the stream processor alone: {@code java dev.tapwire.processor.StreamProcessorMain
 * key=value…} with {@link ProcessorConfig} keys, e.g. {@code kafka.bootstrap.servers=…} {@code
 * kafka.schema.registry.url=…}. Stops cleanly on SIGTERM / Ctrl-C. Only wires; the CLI's {@code
 * process} command is the usual entry point.
 */
public final class StreamProcessorMain {
  private StreamProcessorMain() {}

  public static void main(String[] args) throws InterruptedException {
    Map<String, String> settings = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected key=value, got " + arg);
      }
      settings.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    CountDownLatch stopped = new CountDownLatch(1);
    StreamProcessorService service =
        new StreamProcessorService(new ProcessorConfig(settings), Clock.systemUTC());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  service.close();
                  stopped.countDown();
                },
                "stream-processor-shutdown"));
    service.start();
    stopped.await();
  }
}

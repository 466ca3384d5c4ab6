package dev.tapwire.cli.run;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Components started in order and closed in reverse order, once, whether by {@link #close()} or by
 * the JVM's shutdown hook (Ctrl-C, SIGTERM). A component that fails to close is logged with its
 * cause and the others are still closed.
 */
public final class Lifecycle implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

  /** Something to start; returns the handle that stops it. */
  @FunctionalInterface
  public interface Starter<T extends AutoCloseable> {
    T start() throws Exception;
  }

  private record Component(String name, AutoCloseable handle) {}

  private final Deque<Component> started = new ArrayDeque<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private boolean closed;

  /**
   * Starts a component and remembers it for {@link #close()}.
   *
   * @param name for the log
   * @return what {@code starter} returned
   * @throws Exception what {@code starter} threw (the components started before stay running until
   *     {@link #close()})
   */
  public synchronized <T extends AutoCloseable> T start(String name, Starter<T> starter)
      throws Exception {
    if (closed) {
      throw new IllegalStateException("already closed");
    }
    long begin = System.nanoTime();
    T handle = starter.start();
    started.push(new Component(name, handle));
    log.info("started {} in {} ms", name, (System.nanoTime() - begin) / 1_000_000);
    return handle;
  }

  /** Registers an action run first on close (e.g. deleting a state file). */
  public synchronized void onClose(String name, AutoCloseable action) {
    started.push(new Component(name, action));
  }

  /** Closes every started component, last started first. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      while (!started.isEmpty()) {
        Component component = started.pop();
        long begin = System.nanoTime();
        try {
          component.handle().close();
          log.info("stopped {} ({} ms)", component.name(), (System.nanoTime() - begin) / 1_000_000);
        } catch (Exception e) {
          log.error("stopping {} failed", component.name(), e);
        }
      }
    }
    stopped.countDown();
  }

  /**
   * Closes this lifecycle when the JVM shuts down and blocks until it is closed (by the hook or by
   * another thread).
   *
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public void closeOnShutdownAndAwait() throws InterruptedException {
    Thread hook = new Thread(this::close, "tapwire-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    stopped.await();
  }
}

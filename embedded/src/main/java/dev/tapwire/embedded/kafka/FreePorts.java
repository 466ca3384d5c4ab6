package dev.tapwire.embedded.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Chooses TCP ports on the loopback interface by bind-probing: bind port 0, read the port the
 * kernel assigned, release it. Another process can take the port between the probe and the broker's
 * own bind, so callers must treat a later {@link java.net.BindException} as "try again with new
 * ports" (see {@link EmbeddedKafkaBroker#start()}).
 */
final class FreePorts {

  private FreePorts() {}

  /**
   * Returns a port that was free on {@code 127.0.0.1} a moment ago.
   *
   * @throws UncheckedIOException if no port can be bound at all
   */
  static int probe() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot bind any port on the loopback interface", e);
    }
  }

  /** Returns whether {@code port} on {@code 127.0.0.1} can be bound right now. */
  static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}

package dev.tapwire.proxy.server;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS implementation of both sessions of a decrypted flow (client side with the leaf, upstream
 * side verified), chosen once at start by {@code proxy.tls.engine}.
 *
 * <p>{@link #OPENSSL} is BoringSSL through {@code netty-tcnative-boringssl-static}: it needs direct
 * buffers, so channels get a direct allocator. {@link #JDK} is the JDK's {@code SSLEngine}: JDK 17
 * runs AES-GCM with its intrinsics on heap arrays only ({@code GHASH.processBlocksDirect} takes a
 * per-block path), so channels get a heap allocator. With {@code ProxyLoadBenchmark} the OpenSSL
 * engine costs less proxy CPU per decrypted request; see the module README.
 *
 * <p>Both use Netty's {@code PooledByteBufAllocator}. With Netty 4.2's default adaptive allocator a
 * JFR profile of the benchmark showed socket-read buffers allocated unpooled and freed through the
 * JDK's {@code Cleaner} (about 5 % of the proxy's samples).
 */
public enum TlsEngine {
  OPENSSL(SslProvider.OPENSSL, new PooledByteBufAllocator(true)),
  JDK(SslProvider.JDK, new PooledByteBufAllocator(false));

  /** Accepted values of {@code proxy.tls.engine}. */
  public static final String AUTO = "auto";

  private static final Logger log = LoggerFactory.getLogger(TlsEngine.class);

  private final SslProvider provider;
  private final ByteBufAllocator allocator;

  TlsEngine(SslProvider provider, ByteBufAllocator allocator) {
    this.provider = provider;
    this.allocator = allocator;
  }

  /** The Netty provider for {@code SslContextBuilder}. */
  public SslProvider provider() {
    return provider;
  }

  /** The buffer allocator for every proxy channel with this engine. */
  public ByteBufAllocator allocator() {
    return allocator;
  }

  /**
   * Resolves a {@code proxy.tls.engine} setting: {@code auto} is OpenSSL when its native library
   * loads on this platform, else the JDK engine (logged); {@code openssl} and {@code jdk} force
   * one.
   *
   * @throws IllegalStateException if {@code openssl} is asked for and cannot be loaded, with the
   *     loader's reason
   * @throws IllegalArgumentException for any other value
   */
  public static TlsEngine choose(String setting) {
    String value = setting.trim().toLowerCase(Locale.ROOT);
    switch (value) {
      case "jdk":
        return JDK;
      case "openssl":
        if (!OpenSsl.isAvailable()) {
          throw new IllegalStateException(
              "proxy.tls.engine=openssl, but the OpenSSL (BoringSSL) library cannot be loaded on"
                  + " this platform: "
                  + OpenSsl.unavailabilityCause(),
              OpenSsl.unavailabilityCause());
        }
        return OPENSSL;
      case AUTO:
        if (OpenSsl.isAvailable()) {
          return OPENSSL;
        }
        log.info(
            "OpenSSL (BoringSSL) is not available on this platform ({}); using the JDK TLS engine",
            String.valueOf(OpenSsl.unavailabilityCause()));
        return JDK;
      default:
        throw new IllegalArgumentException(
            "proxy.tls.engine must be auto, openssl or jdk, not '" + setting + "'");
    }
  }
}

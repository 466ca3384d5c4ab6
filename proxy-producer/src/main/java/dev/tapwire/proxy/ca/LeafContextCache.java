package dev.tapwire.proxy.ca;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLException;

/**
 * Server-side TLS contexts for decrypted hosts, one per host, each holding a leaf minted by the
 * {@link CertificateAuthority}. Bounded (least recently used hosts are evicted); minting runs on
 * the given executor, never on a Netty event loop; concurrent requests for one host share one mint.
 *
 * <p>Contexts offer TLS 1.3 and 1.2 only and ALPN {@code http/1.1} only (the proxy speaks HTTP/1.1
 * to clients).
 */
public final class LeafContextCache {
  private final AsyncLoadingCache<String, SslContext> cache;

  /**
   * @param authority the CA that signs the leaves
   * @param maximumSize how many hosts' contexts to keep
   * @param mintExecutor where leaves are minted (a small dedicated pool)
   * @param provider the TLS implementation of the contexts
   */
  public LeafContextCache(
      CertificateAuthority authority,
      long maximumSize,
      Executor mintExecutor,
      SslProvider provider) {
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(maximumSize)
            .executor(mintExecutor)
            .buildAsync(host -> serverContext(authority.mintLeaf(host), provider));
  }

  /**
   * The TLS context for a host, minted asynchronously on first use. The host name is matched case
   * insensitively. The future fails with {@link IllegalStateException} if minting fails.
   */
  public CompletableFuture<SslContext> contextFor(String host) {
    return cache.get(host.toLowerCase(Locale.ROOT));
  }

  /** Number of cached contexts (approximate). */
  public long size() {
    return cache.synchronous().estimatedSize();
  }

  static SslContext serverContext(LeafCertificate leaf, SslProvider provider) throws SSLException {
    return SslContextBuilder.forServer(leaf.privateKey(), leaf.certificate(), leaf.issuer())
        .sslProvider(provider)
        .protocols("TLSv1.3", "TLSv1.2")
        .applicationProtocolConfig(
            new ApplicationProtocolConfig(
                ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                ApplicationProtocolNames.HTTP_1_1))
        .build();
  }
}

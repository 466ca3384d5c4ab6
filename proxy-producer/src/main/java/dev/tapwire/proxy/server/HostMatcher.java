package dev.tapwire.proxy.server;

import java.util.List;
import java.util.Locale;

/**
 * The MITM allow-list: exact host names ({@code api.anthropic.com}) and one-label-or-more wildcards
 * ({@code *.example.com} matches {@code a.example.com} and {@code a.b.example.com}, not {@code
 * example.com}). Case-insensitive; a trailing dot is ignored.
 */
public final class HostMatcher {
  private final List<String> exact;
  private final List<String> suffixes;

  /**
   * @param patterns host names and {@code *.suffix} wildcards
   */
  public HostMatcher(List<String> patterns) {
    this.exact =
        patterns.stream()
            .map(HostMatcher::normalize)
            .filter(p -> !p.isEmpty() && !p.startsWith("*."))
            .toList();
    this.suffixes =
        patterns.stream()
            .map(HostMatcher::normalize)
            .filter(p -> p.startsWith("*."))
            .map(p -> p.substring(1))
            .toList();
  }

  /** Whether CONNECTs to this host are decrypted. */
  public boolean matches(String host) {
    String h = normalize(host);
    if (exact.contains(h)) {
      return true;
    }
    for (String suffix : suffixes) {
      if (h.endsWith(suffix) && h.length() > suffix.length()) {
        return true;
      }
    }
    return false;
  }

  private static String normalize(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }
}

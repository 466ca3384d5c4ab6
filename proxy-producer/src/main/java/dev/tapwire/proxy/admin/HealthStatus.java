package dev.tapwire.proxy.admin;

import java.util.Map;

/**
 * The result of one {@link HealthCheck}.
 *
 * @param healthy whether the component works as it should
 * @param reason why it does not, in words an operator can act on; null when healthy
 * @param details extra facts shown in {@code /healthz} (numbers, strings, booleans)
 */
public record HealthStatus(boolean healthy, String reason, Map<String, Object> details) {

  /** Copies {@code details}. */
  public HealthStatus {
    details = details == null ? Map.of() : Map.copyOf(details);
  }
}

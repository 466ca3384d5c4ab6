package dev.tapwire.proxy.admin;

/** One component's health, as {@link AdminServer}'s {@code /healthz} reports it. */
public interface HealthCheck {

  /** Short name of the component, e.g. {@code capture}. */
  String name();

  /** Checks the component now; must be quick and must not block on I/O. */
  HealthStatus check();
}

package dev.tapwire.proxy.admin;

import java.net.InetSocketAddress;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of {@link AdminServer}: {@code admin.enabled} (default true), {@code admin.bind.address}
 * (default {@code 127.0.0.1}, loopback only) and {@code admin.port} (default 9464, the port
 * Prometheus exporters conventionally use for OpenTelemetry-style metrics; 0 picks a free port).
 */
public final class AdminConfig extends AbstractConfig {
  public static final String ENABLED_CONFIG = "admin.enabled";
  public static final String BIND_ADDRESS_CONFIG = "admin.bind.address";
  public static final String PORT_CONFIG = "admin.port";

  /** Default port. */
  public static final int DEFAULT_PORT = 9464;

  private static final ConfigDef CONFIG =
      new ConfigDef()
          .define(
              ENABLED_CONFIG,
              Type.BOOLEAN,
              true,
              Importance.MEDIUM,
              "Whether to serve /metrics (Prometheus text format) and /healthz over HTTP.")
          .define(
              BIND_ADDRESS_CONFIG,
              Type.STRING,
              "127.0.0.1",
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              "Address the admin HTTP server binds to.")
          .define(
              PORT_CONFIG,
              Type.INT,
              DEFAULT_PORT,
              Range.between(0, 65535),
              Importance.MEDIUM,
              "Port of the admin HTTP server; 0 picks a free port.");

  /**
   * @throws org.apache.kafka.common.config.ConfigException if a setting is invalid
   */
  public AdminConfig(Map<?, ?> originals) {
    super(CONFIG, originals, false);
  }

  /** The settings' definitions, for documentation and the CLI. */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  public boolean enabled() {
    return getBoolean(ENABLED_CONFIG);
  }

  public InetSocketAddress bindAddress() {
    return new InetSocketAddress(getString(BIND_ADDRESS_CONFIG), getInt(PORT_CONFIG));
  }
}

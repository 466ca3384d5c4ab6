package dev.tapwire.proxy;

import dev.tapwire.proxy.capture.CapturePolicy;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Settings of the proxy's data path, declared once in Kafka's {@link ConfigDef} style and validated
 * on construction ({@link ConfigException} names the offending key). Publishing settings ({@code
 * kafka.*}, spool) belong to the publisher's own config.
 */
public final class ProxyConfig extends AbstractConfig {
  public static final String BIND_ADDRESS = "proxy.bind.address";
  public static final String PORT = "proxy.port";
  public static final String REVERSE_PORT = "proxy.reverse.port";
  public static final String REVERSE_UPSTREAM = "proxy.reverse.upstream";
  public static final String MITM_HOSTS = "proxy.mitm.hosts";
  public static final String ALLOWED_CONNECT_PORTS = "proxy.allowed.connect.ports";
  public static final String UPSTREAM_CA = "proxy.upstream.ca";
  public static final String DATA_DIR = "proxy.data.dir";
  public static final String PROXY_ID = "proxy.id";
  public static final String MAX_HEADER_BYTES = "proxy.max.header.bytes";
  public static final String MAX_INITIAL_LINE_BYTES = "proxy.max.initial.line.bytes";
  public static final String IDLE_TIMEOUT_MS = "proxy.idle.timeout.ms";
  public static final String CONNECT_TIMEOUT_MS = "proxy.connect.timeout.ms";
  public static final String MAX_CONNECTIONS = "proxy.max.connections";
  public static final String SHUTDOWN_GRACE_MS = "proxy.shutdown.grace.ms";
  public static final String AUTH_USER = "proxy.auth.user";
  public static final String AUTH_PASSWORD = "proxy.auth.password";
  public static final String REDACT_HEADERS = "proxy.redact.headers";
  public static final String ON_CAPTURE_FAILURE = "proxy.on.capture.failure";
  public static final String SSE_LINGER_MS = "proxy.sse.linger.ms";
  public static final String LEAF_CACHE_SIZE = "proxy.leaf.cache.size";
  public static final String IO_THREADS = "proxy.io.threads";
  public static final String TLS_ENGINE = "proxy.tls.engine";

  private static final ConfigDef CONFIG =
      new ConfigDef()
          .define(
              BIND_ADDRESS,
              Type.STRING,
              "127.0.0.1",
              Importance.HIGH,
              "Address both listeners bind to. The default keeps the proxy local to this machine.")
          .define(
              PORT,
              Type.INT,
              8080,
              Range.between(0, 65535),
              Importance.HIGH,
              "Forward-proxy port (HTTPS_PROXY=http://127.0.0.1:PORT); 0 picks a free port.")
          .define(
              REVERSE_PORT,
              Type.INT,
              -1,
              Range.between(-1, 65535),
              Importance.MEDIUM,
              "Reverse-mode port for clients that take a base URL (ANTHROPIC_BASE_URL=http://127.0.0.1:PORT);"
                  + " -1 disables it, 0 picks a free port.")
          .define(
              REVERSE_UPSTREAM,
              Type.STRING,
              "https://api.anthropic.com",
              Importance.MEDIUM,
              "Upstream base URL (scheme://host[:port]) the reverse listener forwards to.")
          .define(
              MITM_HOSTS,
              Type.LIST,
              "api.anthropic.com",
              Importance.HIGH,
              "Hosts whose CONNECT tunnels are decrypted and captured; '*.example.com' matches any"
                  + " subdomain. Every other CONNECT is a blind tunnel.")
          .define(
              ALLOWED_CONNECT_PORTS,
              Type.LIST,
              "443",
              Importance.MEDIUM,
              "Ports CONNECT may reach; others get 403.")
          .define(
              UPSTREAM_CA,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "PEM file with extra CA certificates trusted for upstream TLS, besides the JDK trust"
                  + " store (tests, corporate TLS proxies). Empty: none.")
          .define(
              DATA_DIR,
              Type.STRING,
              Path.of(System.getProperty("user.home"), ".tapwire").toString(),
              Importance.HIGH,
              "Directory for the CA (ca/) and the redaction secret.")
          .define(
              PROXY_ID,
              Type.STRING,
              "",
              Importance.LOW,
              "Identifier of this proxy instance in captured events; empty: the host name.")
          .define(
              MAX_HEADER_BYTES,
              Type.INT,
              64 * 1024,
              Range.atLeast(1024),
              Importance.LOW,
              "Largest request or response header block, bytes; larger requests get 431.")
          .define(
              MAX_INITIAL_LINE_BYTES,
              Type.INT,
              16 * 1024,
              Range.atLeast(256),
              Importance.LOW,
              "Longest request or status line, bytes; longer requests get 400.")
          .define(
              IDLE_TIMEOUT_MS,
              Type.LONG,
              600_000L,
              Range.atLeast(1),
              Importance.MEDIUM,
              "A connection with no read and no write for this long is closed (milliseconds).")
          .define(
              CONNECT_TIMEOUT_MS,
              Type.INT,
              10_000,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Upstream TCP connect timeout, milliseconds.")
          .define(
              MAX_CONNECTIONS,
              Type.INT,
              1024,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Maximum concurrent client connections; more get 503.")
          .define(
              SHUTDOWN_GRACE_MS,
              Type.LONG,
              10_000L,
              Range.atLeast(0),
              Importance.LOW,
              "On close, how long in-flight flows may finish before connections are closed.")
          .define(
              AUTH_USER,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "User for Basic proxy authentication (Proxy-Authorization); empty: no authentication.")
          .define(
              AUTH_PASSWORD,
              Type.PASSWORD,
              "",
              Importance.MEDIUM,
              "Password for Basic proxy authentication.")
          .define(
              REDACT_HEADERS,
              Type.LIST,
              "",
              Importance.MEDIUM,
              "Extra header names treated as credentials (fingerprinted, never captured).")
          .define(
              ON_CAPTURE_FAILURE,
              Type.STRING,
              "forward",
              ValidString.in("forward", "block"),
              Importance.HIGH,
              "forward: traffic continues when capture cannot be guaranteed; block: new requests"
                  + " get 503 while it cannot.")
          .define(
              SSE_LINGER_MS,
              Type.LONG,
              20L,
              Range.atLeast(0),
              Importance.LOW,
              "How long complete SSE frames wait for more before their chunk is published,"
                  + " milliseconds.")
          .define(
              LEAF_CACHE_SIZE,
              Type.LONG,
              1000L,
              Range.atLeast(1),
              Importance.LOW,
              "How many hosts' leaf certificates are kept.")
          .define(
              IO_THREADS,
              Type.INT,
              0,
              Range.atLeast(0),
              Importance.LOW,
              "Netty event-loop threads; 0: Netty's default (2 x cores).")
          .define(
              TLS_ENGINE,
              Type.STRING,
              "auto",
              ConfigDef.ValidString.in("auto", "openssl", "jdk"),
              Importance.LOW,
              "TLS implementation of decrypted flows (both sides): openssl (BoringSSL, bundled),"
                  + " jdk, or auto (openssl when its native library loads here, else jdk).");

  /**
   * @param originals settings by key
   * @throws ConfigException if a value is missing, mistyped or out of range
   */
  public ProxyConfig(Map<?, ?> originals) {
    super(CONFIG, originals);
    URI reverse = reverseUpstream();
    if (reverse.getHost() == null
        || !(reverse.getScheme().equals("https") || reverse.getScheme().equals("http"))) {
      throw new ConfigException(
          REVERSE_UPSTREAM, getString(REVERSE_UPSTREAM), "need http(s)://host[:port]");
    }
    for (String p : getList(ALLOWED_CONNECT_PORTS)) {
      try {
        Integer.parseInt(p.trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(ALLOWED_CONNECT_PORTS, p, "not a port number");
      }
    }
    if (!getString(AUTH_USER).isEmpty() && getPassword(AUTH_PASSWORD).value().isEmpty()) {
      throw new ConfigException(AUTH_PASSWORD, "(empty)", "required when " + AUTH_USER + " is set");
    }
  }

  /** The definition, for documentation and CLI help. */
  public static ConfigDef configDef() {
    return CONFIG;
  }

  /** The reverse listener's upstream base URL ({@value #REVERSE_UPSTREAM}). */
  public URI reverseUpstream() {
    return URI.create(getString(REVERSE_UPSTREAM));
  }

  /** The data directory ({@value #DATA_DIR}): CA and redaction secret live here. */
  public Path dataDir() {
    return Path.of(getString(DATA_DIR));
  }

  /** The capture-failure policy ({@value #ON_CAPTURE_FAILURE}). */
  public CapturePolicy capturePolicy() {
    return CapturePolicy.valueOf(getString(ON_CAPTURE_FAILURE).toUpperCase(Locale.ROOT));
  }

  /** Ports CONNECT may reach ({@value #ALLOWED_CONNECT_PORTS}). */
  public List<Integer> allowedConnectPorts() {
    return getList(ALLOWED_CONNECT_PORTS).stream().map(s -> Integer.parseInt(s.trim())).toList();
  }

  /** This instance's id ({@value #PROXY_ID}), or the host name when it is empty. */
  public String proxyId() {
    String id = getString(PROXY_ID);
    if (!id.isEmpty()) {
      return id;
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "tapwire-proxy";
    }
  }

  /** The Basic-auth password, never logged (Kafka's {@link Password} hides it in toString). */
  public Password authPassword() {
    return getPassword(AUTH_PASSWORD);
  }
}

package dev.tapwire.cli;

import java.util.List;
import picocli.CommandLine.Option;

/** The proxy's most used settings as flags; every other {@code proxy.*} setting via --set. */
public final class ProxyOptions {
  @Option(
      names = "--proxy-port",
      paramLabel = "PORT",
      descriptionKey = "proxy.port",
      description =
          "Forward-proxy port; 0 picks a free one (default 8080). Env: TAPWIRE_PROXY_PORT.")
  String proxyPort;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      descriptionKey = "proxy.bind.address",
      description =
          "Address the proxy listens on (default 127.0.0.1: this machine only). Env:"
              + " TAPWIRE_PROXY_BIND_ADDRESS.")
  String bindAddress;

  @Option(
      names = "--mitm-host",
      paramLabel = "HOST",
      split = ",",
      descriptionKey = "proxy.mitm.hosts",
      description =
          "Host to decrypt and capture, repeatable; '*.example.com' matches subdomains (default"
              + " api.anthropic.com). Other hosts are blind-tunnelled. Env: TAPWIRE_PROXY_MITM_HOSTS.")
  List<String> mitmHosts;

  @Option(
      names = "--upstream-ca",
      paramLabel = "FILE",
      descriptionKey = "proxy.upstream.ca",
      description =
          "PEM file of extra CAs trusted for upstream TLS (corporate TLS proxies, tests). Env:"
              + " TAPWIRE_PROXY_UPSTREAM_CA.")
  String upstreamCa;

  @Option(
      names = "--admin-port",
      paramLabel = "PORT",
      descriptionKey = "admin.port",
      description =
          "Port of the admin server (/metrics, /healthz); 0 picks a free one. Env:"
              + " TAPWIRE_ADMIN_PORT.")
  String adminPort;
}

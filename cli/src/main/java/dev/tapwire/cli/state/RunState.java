package dev.tapwire.cli.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * What a running {@code tapwire run} tells the other subcommands, as {@code tapwire.state.json} in
 * its data directory.
 *
 * @param pid process id of the {@code tapwire run} process
 * @param bootstrapServers the embedded broker, {@code host:port}
 * @param schemaRegistryUrl the embedded registry, e.g. {@code http://127.0.0.1:41234}
 * @param proxyHost the address the proxy listens on
 * @param proxyPort the proxy's bound port
 * @param adminPort the admin server's bound port ({@code /metrics}, {@code /healthz}), -1 if off
 * @param caCertificate absolute path of the CA certificate (PEM) clients must trust
 * @param startedAt when the pipeline finished starting
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunState(
    @JsonProperty("pid") long pid,
    @JsonProperty("bootstrap_servers") String bootstrapServers,
    @JsonProperty("schema_registry_url") String schemaRegistryUrl,
    @JsonProperty("proxy_host") String proxyHost,
    @JsonProperty("proxy_port") int proxyPort,
    @JsonProperty("admin_port") int adminPort,
    @JsonProperty("ca_certificate") String caCertificate,
    @JsonProperty("started_at") Instant startedAt) {}

package dev.tapwire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tapwire.cli.config.ConfigSources;
import dev.tapwire.cli.config.SettingNames;
import dev.tapwire.cli.config.SettingsCatalog;
import dev.tapwire.cli.run.Services;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Checks docker-compose.yml against the real command line: every Tapwire service's command parses
 * with picocli, its settings (flags and TAPWIRE_* environment) pass the services' own validation,
 * ports and addresses agree between services, and dependencies exist.
 */
class ComposeFileTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Set<String> TAPWIRE_SUBCOMMANDS = Set.of("proxy", "process", "sink");

  /** Launcher-level variables, read by the {@code tapwire} scripts rather than as settings. */
  private static final Set<String> LAUNCHER_VARIABLES = Set.of("TAPWIRE_JAVA_OPTS");

  private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Z0-9_]+):-([^}]*)}");

  private static JsonNode services;

  @BeforeAll
  static void parse() throws Exception {
    JsonNode compose =
        new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve("docker-compose.yml").toFile());
    services = compose.get("services");
    assertThat(services).isNotNull();
  }

  private static List<String> tapwireServices() {
    List<String> names = new ArrayList<>();
    services
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode image = e.getValue().get("image");
              if (e.getValue().has("build")
                  || (image != null && image.asText().startsWith("tapwire:"))) {
                names.add(e.getKey());
              }
            });
    return names;
  }

  private static String interpolate(String value) {
    Matcher m = INTERPOLATION.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(2)));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static Map<String, String> environment(JsonNode service) {
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode node = service.get("environment");
    if (node != null) {
      node.fields().forEachRemaining(e -> env.put(e.getKey(), interpolate(e.getValue().asText())));
    }
    return env;
  }

  private static List<String> command(JsonNode service) {
    List<String> args = new ArrayList<>();
    service.get("command").forEach(a -> args.add(a.asText()));
    return args;
  }

  @Test
  void shouldHaveThreeTapwireServicesBuiltFromTheDockerfile() {
    assertThat(tapwireServices()).containsExactlyInAnyOrder("proxy", "processor", "sink");
    assertThat(services.get("proxy").get("build").asText()).isEqualTo(".");
    assertThat(ROOT.resolve("Dockerfile")).exists();
    String image = services.get("proxy").get("image").asText();
    for (String name : tapwireServices()) {
      assertThat(services.get(name).get("image").asText()).as(name).isEqualTo(image);
    }
    assertThat(services.get("kafka").get("image").asText()).startsWith("apache/kafka:");
    assertThat(services.get("schema-registry").get("image").asText())
        .startsWith("confluentinc/cp-schema-registry:");
    assertThat(services.get("postgres").get("image").asText()).startsWith("postgres:");
  }

  @Test
  void shouldUseRealSubcommandsWhoseOptionsTheCliAccepts() {
    for (String name : tapwireServices()) {
      JsonNode service = services.get(name);
      assertThat(service.get("command").isArray()).as(name + ": exec-form command").isTrue();
      List<String> args = command(service);
      CommandLine cli = TapwireCommand.commandLine(new ConfigSources(environment(service)));
      ParseResult parsed = cli.parseArgs(args.toArray(String[]::new));
      assertThat(parsed.hasSubcommand()).as(name).isTrue();
      assertThat(parsed.subcommand().commandSpec().name()).isIn(TAPWIRE_SUBCOMMANDS);
    }
  }

  @Test
  void shouldMapEveryTapwireVariableToADeclaredSetting() {
    Set<String> names = SettingsCatalog.names();
    for (String name : tapwireServices()) {
      for (String variable : environment(services.get(name)).keySet()) {
        if (!variable.startsWith(SettingNames.ENV_PREFIX)
            || LAUNCHER_VARIABLES.contains(variable)) {
          continue;
        }
        boolean declared =
            names.stream().anyMatch(s -> SettingNames.envName(s).equals(variable))
                || SettingNames.kafkaSettingForEnv(variable).isPresent();
        assertThat(declared).as(name + ": " + variable + " maps to no setting").isTrue();
      }
    }
  }

  /** The settings each service would start with pass the services' own validation. */
  @Test
  void shouldPassTheServicesOwnValidation() {
    for (String name : tapwireServices()) {
      Map<String, Object> settings = resolvedSettings(name);
      String subcommand = command(services.get(name)).get(0);
      Services.validate(
          settings,
          subcommand.equals("proxy"),
          subcommand.equals("process"),
          subcommand.equals("sink"));
      SettingsCommand.requireKafka(settings);
    }
  }

  @Test
  void shouldPointEveryServiceAtServicesThatExistOnTheRightPorts() {
    int kafkaPort =
        URI.create(
                environment(services.get("kafka"))
                    .get("KAFKA_ADVERTISED_LISTENERS")
                    .replace("PLAINTEXT://", "tcp://"))
            .getPort();
    int registryPort =
        URI.create(environment(services.get("schema-registry")).get("SCHEMA_REGISTRY_LISTENERS"))
            .getPort();
    for (String name : tapwireServices()) {
      Map<String, Object> settings = resolvedSettings(name);
      String[] bootstrap = settings.get("kafka.bootstrap.servers").toString().split(":");
      assertThat(services.has(bootstrap[0])).as(name + " bootstrap host").isTrue();
      assertThat(Integer.parseInt(bootstrap[1])).isEqualTo(kafkaPort);
      URI registry = URI.create(settings.get("kafka.schema.registry.url").toString());
      assertThat(registry.getHost()).isEqualTo("schema-registry");
      assertThat(registry.getPort()).isEqualTo(registryPort);
      assertDependsOn(name, "kafka", "schema-registry");
      Object jdbc = settings.get("sink.audit.jdbc.url");
      if (jdbc != null && jdbc.toString().startsWith("jdbc:postgresql://")) {
        URI postgres = URI.create(jdbc.toString().substring("jdbc:".length()));
        assertThat(services.has(postgres.getHost())).isTrue();
        assertDependsOn(name, postgres.getHost());
        assertThat(postgres.getPath())
            .isEqualTo("/" + environment(services.get("postgres")).get("POSTGRES_DB"));
        assertThat(settings.get("sink.audit.jdbc.user"))
            .isEqualTo(environment(services.get("postgres")).get("POSTGRES_USER"));
        assertThat(settings.get("sink.audit.jdbc.password"))
            .isEqualTo(environment(services.get("postgres")).get("POSTGRES_PASSWORD"));
      }
    }
  }

  @Test
  void shouldPublishTheProxyAndAdminPortsItListensOnAndOnlyOnLoopback() {
    Map<String, Object> proxy = resolvedSettings("proxy");
    List<String> published = new ArrayList<>();
    services.get("proxy").get("ports").forEach(p -> published.add(p.asText()));
    assertThat(published)
        .contains(
            "127.0.0.1:" + proxy.get("proxy.port") + ":" + proxy.get("proxy.port"),
            "127.0.0.1:" + proxy.get("admin.port") + ":" + proxy.get("admin.port"));
    assertThat(proxy.get("proxy.bind.address")).isEqualTo("0.0.0.0");
    assertThat(proxy.get("admin.bind.address")).isEqualTo("0.0.0.0");
    services
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode ports = e.getValue().get("ports");
              if (ports != null) {
                ports.forEach(p -> assertThat(p.asText()).as(e.getKey()).startsWith("127.0.0.1:"));
              }
            });
  }

  @Test
  void shouldDependOnlyOnDeclaredServices() {
    services
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode depends = e.getValue().get("depends_on");
              if (depends != null) {
                depends
                    .fieldNames()
                    .forEachRemaining(
                        d -> {
                          assertThat(services.has(d)).as(e.getKey() + " -> " + d).isTrue();
                          assertThat(d).isNotEqualTo(e.getKey());
                        });
              }
            });
  }

  @Test
  void shouldBuildTheJarTheImageRuns() throws Exception {
    String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
    assertThat(dockerfile)
        .contains("./mvnw")
        .contains("-pl cli -am package")
        .contains("COPY --from=build /src/cli/target/tapwire.jar")
        .contains("FROM eclipse-temurin:17-jre")
        .contains("ENTRYPOINT [\"tapwire\"]");
    assertThat(ROOT.resolve("docker/tapwire")).exists();
    assertThat(Files.readString(ROOT.resolve("docker/tapwire")))
        .contains("-jar /opt/tapwire/tapwire.jar");
  }

  private static void assertDependsOn(String service, String... others) {
    JsonNode depends = services.get(service).get("depends_on");
    assertThat(depends).as(service + " depends_on").isNotNull();
    for (String other : others) {
      assertThat(depends.has(other)).as(service + " depends on " + other).isTrue();
    }
  }

  /** The settings the service's command would start with (as its call() resolves them). */
  private static Map<String, Object> resolvedSettings(String name) {
    JsonNode service = services.get(name);
    Map<String, String> env = new HashMap<>(environment(service));
    CommandLine cli = TapwireCommand.commandLine(new ConfigSources(env));
    ParseResult parsed = cli.parseArgs(command(service).toArray(String[]::new));
    SettingsCommand command = (SettingsCommand) parsed.subcommand().commandSpec().userObject();
    return ServiceSettings.forDataDir(command.dataDir(), command.resolveSettings(false));
  }
}

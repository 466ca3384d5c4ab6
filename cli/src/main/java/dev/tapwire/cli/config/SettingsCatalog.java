package dev.tapwire.cli.config;

import dev.tapwire.processor.ProcessorConfig;
import dev.tapwire.proxy.ProxyConfig;
import dev.tapwire.proxy.admin.AdminConfig;
import dev.tapwire.proxy.publish.PublisherConfig;
import dev.tapwire.sink.SinkConfig;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Every setting Tapwire declares, by component, for validation of names, the mapping of environment
 * variables and the configuration reference in the README.
 */
public final class SettingsCatalog {
  /** A component's name and its definitions. */
  public record Section(String component, ConfigDef definitions) {}

  private SettingsCatalog() {}

  /** All sections, the command's own first. */
  public static List<Section> sections() {
    return List.of(
        new Section("tapwire", CliConfig.CONFIG),
        new Section("proxy", ProxyConfig.configDef()),
        new Section("publisher", PublisherConfig.configDef()),
        new Section("admin", AdminConfig.configDef()),
        new Section("processor", ProcessorConfig.configDef()),
        new Section("sink", SinkConfig.configDef()));
  }

  /** Every declared setting name. */
  public static Set<String> names() {
    Set<String> names = new TreeSet<>();
    for (Section section : sections()) {
      names.addAll(section.definitions().names());
    }
    return names;
  }
}

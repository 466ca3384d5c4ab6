package dev.tapwire.cli.config;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.types.Password;

/**
 * The configuration reference as Markdown, generated from the services' {@link ConfigDef}s: one
 * table per component with the setting, its environment variable, type, default, valid values and
 * documentation.
 */
public final class ConfigReference {
  private ConfigReference() {}

  /** The reference for {@code sections}. */
  public static String markdown(List<SettingsCatalog.Section> sections) {
    StringBuilder out = new StringBuilder();
    for (SettingsCatalog.Section section : sections) {
      out.append("#### ").append(section.component()).append("\n\n");
      out.append("| setting | environment | type | default | valid values | description |\n");
      out.append("|---|---|---|---|---|---|\n");
      List<ConfigKey> keys =
          section.definitions().configKeys().values().stream()
              .sorted((a, b) -> a.name.compareTo(b.name))
              .collect(Collectors.toList());
      for (ConfigKey key : keys) {
        out.append("| `")
            .append(key.name)
            .append("` | `")
            .append(SettingNames.envName(key.name))
            .append("` | ")
            .append(key.type.name().toLowerCase(java.util.Locale.ROOT))
            .append(" | ")
            .append(defaultText(key))
            .append(" | ")
            .append(cell(key.validator == null ? "" : key.validator.toString()))
            .append(" | ")
            .append(cell(key.documentation))
            .append(" |\n");
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static String defaultText(ConfigKey key) {
    if (!key.hasDefault()) {
      return "(required)";
    }
    Object value = key.defaultValue;
    if (value == null) {
      return "(none)";
    }
    if (value instanceof Password) {
      return "(hidden)";
    }
    String text =
        value instanceof List<?> list
            ? list.stream().map(String::valueOf).collect(Collectors.joining(","))
            : String.valueOf(value);
    return text.isEmpty() ? "\"\"" : "`" + cell(text) + "`";
  }

  private static String cell(String text) {
    return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
  }
}

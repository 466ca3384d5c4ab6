package dev.tapwire.cli;

import dev.tapwire.cli.config.ConfigReference;
import dev.tapwire.cli.config.SettingsCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tapwire settings}: every setting, generated from the services' definitions. */
@Command(
    name = "settings",
    mixinStandardHelpOptions = true,
    description =
        "Print every setting (name, TAPWIRE_* variable, type, default, valid values) as Markdown.")
final class SettingsReferenceCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().getOut().print(ConfigReference.markdown(SettingsCatalog.sections()));
    spec.commandLine().getOut().flush();
  }
}

package dev.tapwire.cli;

import dev.tapwire.cli.config.CliConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --data-dir} flag (setting {@code data.dir}, env {@code TAPWIRE_DATA_DIR}). */
public final class DataDirOption {
  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      descriptionKey = CliConfig.DATA_DIR,
      defaultValue = DataDir.DEFAULT,
      description =
          "Data directory (default: ${DEFAULT-VALUE}). Env: TAPWIRE_DATA_DIR; setting data.dir.")
  Path dataDir;

  /** The data directory's layout. */
  public DataDir dataDir() {
    return DataDir.of(dataDir);
  }
}

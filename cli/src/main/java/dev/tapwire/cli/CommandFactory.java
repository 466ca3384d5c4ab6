package dev.tapwire.cli;

import dev.tapwire.cli.config.ConfigSources;
import java.lang.reflect.Constructor;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/**
 * Creates command objects, giving those with a {@code (ConfigSources)} constructor the sources of
 * this invocation; everything else comes from picocli's default factory.
 */
final class CommandFactory implements IFactory {
  private final ConfigSources sources;
  private final IFactory fallback = CommandLine.defaultFactory();

  CommandFactory(ConfigSources sources) {
    this.sources = sources;
  }

  @Override
  public <K> K create(Class<K> type) throws Exception {
    try {
      Constructor<K> constructor = type.getDeclaredConstructor(ConfigSources.class);
      return constructor.newInstance(sources);
    } catch (NoSuchMethodException e) {
      return fallback.create(type);
    }
  }
}

package dev.tapwire.cli;

import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception thrown by a subcommand into an exit code and one clear line: an invalid
 * setting ({@link ConfigException}, whose message names the setting) exits 2 without a stack trace;
 * a {@link UserError} exits with its code; anything else is logged with its cause and exits 1.
 */
final class FailureHandler implements IExecutionExceptionHandler {
  /** Exit code for invalid usage or configuration (picocli uses 2 for usage errors too). */
  static final int INVALID_CONFIGURATION = 2;

  private static final Logger log = LoggerFactory.getLogger(FailureHandler.class);

  @Override
  public int handleExecutionException(
      Exception exception, CommandLine commandLine, ParseResult parseResult) {
    ConfigException invalid = find(exception, ConfigException.class);
    if (invalid != null) {
      commandLine
          .getErr()
          .println(
              commandLine
                  .getColorScheme()
                  .errorText("Invalid configuration: " + invalid.getMessage()));
      return INVALID_CONFIGURATION;
    }
    UserError userError = find(exception, UserError.class);
    if (userError != null) {
      commandLine.getErr().println(commandLine.getColorScheme().errorText(userError.getMessage()));
      return userError.exitCode();
    }
    log.error("{} failed: {}", commandLine.getCommandName(), exception.toString(), exception);
    commandLine
        .getErr()
        .println(
            commandLine
                .getColorScheme()
                .errorText(commandLine.getCommandName() + " failed: " + exception.getMessage()));
    return 1;
  }

  private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}

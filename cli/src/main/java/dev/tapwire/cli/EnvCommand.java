package dev.tapwire.cli;

import dev.tapwire.cli.state.RunState;
import dev.tapwire.cli.state.StateFile;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tapwire env}: prints the {@code export} lines for a shell, for {@code eval "$(tapwire
 * env)"}. The proxy address comes from the running pipeline's state file, else from the settings.
 */
@Command(
    name = "env",
    mixinStandardHelpOptions = true,
    description = {
      "Print the shell lines that send clients through the proxy and make them trust its CA.",
      "Use: eval \"$(tapwire env)\"   (before starting claude: NODE_EXTRA_CA_CERTS is read at"
          + " start-up)"
    })
final class EnvCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DataDirOption dataDirOption;

  @Option(
      names = "--proxy-port",
      paramLabel = "PORT",
      descriptionKey = "proxy.port",
      defaultValue = "8080",
      description =
          "Proxy port when no tapwire run is up on the data dir (default: ${DEFAULT-VALUE}).")
  int proxyPort;

  @Override
  public Integer call() {
    DataDir dataDir = dataDirOption.dataDir();
    Optional<RunState> running = new StateFile(dataDir.stateFile()).readLive();
    String host = running.map(RunState::proxyHost).orElse("127.0.0.1");
    int port = running.map(RunState::proxyPort).orElse(proxyPort);
    PrintWriter out = spec.commandLine().getOut();
    if (running.isEmpty()) {
      out.println("# no tapwire run is up on " + dataDir.root() + "; assuming port " + port);
    }
    if (!java.nio.file.Files.exists(dataDir.caCertificate())) {
      out.println(
          "# the CA does not exist yet: it is created by the first tapwire run (or tapwire ca"
              + " export) on this data dir");
    }
    ClientEnvironment.lines(dataDir, host, port).forEach(out::println);
    out.flush();
    return 0;
  }
}

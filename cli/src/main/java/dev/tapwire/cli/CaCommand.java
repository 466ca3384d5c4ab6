package dev.tapwire.cli;

import dev.tapwire.proxy.ca.CertificateAuthority;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tapwire ca}: the proxy's certificate authority. */
@Command(
    name = "ca",
    mixinStandardHelpOptions = true,
    description = "The certificate authority the proxy signs its leaf certificates with.",
    subcommands = {CaCommand.Export.class})
final class CaCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * {@code tapwire ca export}: prints (or writes) the CA certificate as PEM, creating the CA in the
   * data directory if it does not exist yet. The private key never leaves {@code <data-dir>/ca/}.
   */
  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description =
          "Print the CA certificate (PEM) that clients must trust; creates the CA on first use."
              + " The private key stays in <data-dir>/ca/.")
  static final class Export implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin DataDirOption dataDirOption;

    @Option(
        names = {"-o", "--out"},
        paramLabel = "FILE",
        description = "Write the PEM to FILE instead of standard output.")
    Path out;

    @Override
    public Integer call() throws IOException {
      CertificateAuthority ca =
          CertificateAuthority.loadOrCreate(dataDirOption.dataDir().ca(), Clock.systemUTC());
      String pem = ca.certificatePem();
      if (out == null) {
        PrintWriter writer = spec.commandLine().getOut();
        writer.print(pem);
        writer.flush();
      } else {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        Files.writeString(out, pem, StandardCharsets.US_ASCII);
        spec.commandLine().getErr().println("Wrote the Tapwire CA certificate to " + out);
      }
      return 0;
    }
  }
}

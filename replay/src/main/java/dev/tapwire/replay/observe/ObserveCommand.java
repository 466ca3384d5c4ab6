package dev.tapwire.replay.observe;

import dev.tapwire.avro.FlowEvent;
import dev.tapwire.replay.KafkaConnectionOptions;
import dev.tapwire.replay.drift.Change;
import dev.tapwire.serde.AvroSerdes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.common.serialization.Serde;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tapwire schemas observe}: reads a raw or replay topic, infers the observed schema of every
 * JSON body and SSE event payload per (operation, direction, client name and version), writes JSON
 * Schema files and {@code observed.json}, and with {@code --baseline} a drift report. Output holds
 * no values (only types, formats, counts and the delta-type tags).
 */
@Command(
    name = "observe",
    mixinStandardHelpOptions = true,
    description = {
      "Infer the observed schema of JSON request/response bodies and SSE event payloads per"
          + " (operation, direction, client name and version) and write JSON Schema (draft"
          + " 2020-12) files plus observed.json into --out; with --baseline (an earlier --out),"
          + " also drift.md and drift.json.",
      "No values reach the output: only paths, JSON types, string formats, counts, first/last"
          + " seen, example flow ids, SSE event types and content_block_delta delta types."
    })
public final class ObserveCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--input",
      required = true,
      description = "Topic of raw flow events, e.g. tapwire.flows.raw or a replay topic.")
  String input;

  @Option(names = "--baseline", description = "An earlier --out directory to compare with.")
  Path baseline;

  @Option(names = "--out", required = true, description = "Output directory (created).")
  Path out;

  @Option(
      names = "--data-dir",
      descriptionKey = "data.dir",
      defaultValue = "./tapwire-data",
      description =
          "Data directory of a running tapwire run whose broker and registry are used when"
              + " --bootstrap-servers / --schema-registry-url are not given. Env:"
              + " TAPWIRE_DATA_DIR; setting data.dir. Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Mixin KafkaConnectionOptions kafka;

  @Override
  public Integer call() throws IOException {
    kafka.requireAddresses();
    Map<String, Object> client = kafka.clientProperties();
    Observation observation;
    try (Serde<FlowEvent> serde =
        AvroSerdes.specific(FlowEvent.class, kafka.serdeProperties(), false)) {
      observation = new TopicObserver(client, serde.deserializer()).observe(input);
    }
    List<Change> changes =
        ObservationReport.write(observation, input, Optional.ofNullable(baseline), out);
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.printf(
        "observed %d flows: %d schemas written to %s%n",
        observation.counters().getOrDefault("flows", 0L),
        observation.schemas().size(),
        out.resolve(ObservationJson.SCHEMAS_DIR));
    if (baseline != null) {
      stdout.printf(
          "%d drift changes against %s: %s%n", changes.size(), baseline, out.resolve("drift.md"));
    }
    stdout.flush();
    return 0;
  }
}

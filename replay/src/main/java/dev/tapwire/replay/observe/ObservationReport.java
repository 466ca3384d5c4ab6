package dev.tapwire.replay.observe;

import dev.tapwire.replay.drift.Change;
import dev.tapwire.replay.drift.DriftDetector;
import dev.tapwire.replay.drift.DriftWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Writes the output directory of {@code tapwire schemas observe}: {@code schemas/*.schema.json}
 * (one JSON Schema per key), {@code observed.json}, and, with a baseline directory (the output of
 * an earlier run), {@code drift.md} and {@code drift.json}.
 */
public final class ObservationReport {
  private ObservationReport() {}

  /**
   * Writes every file.
   *
   * @param observation what was observed
   * @param input the topic observed (recorded in {@code observed.json})
   * @param baseline an earlier output directory, or empty
   * @param out the output directory (created)
   * @return the drift changes (empty without a baseline)
   * @throws IOException if a file cannot be written
   * @throws dev.tapwire.replay.ReplayException if the baseline cannot be read
   */
  public static List<Change> write(
      Observation observation, String input, Optional<Path> baseline, Path out) throws IOException {
    List<Change> changes = List.of();
    if (baseline.isPresent()) {
      Observation before = ObservationJson.read(baseline.get());
      changes = DriftDetector.compare(before, observation);
    }
    JsonSchemaWriter.writeAll(observation, out);
    ObservationJson.write(observation, input, out);
    if (baseline.isPresent()) {
      DriftWriter.write(changes, baseline.get().toString(), out);
    }
    return changes;
  }
}

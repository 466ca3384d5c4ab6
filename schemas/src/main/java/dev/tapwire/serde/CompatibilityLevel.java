package dev.tapwire.serde;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Schema-evolution rules of a subject, with the names Confluent's registry uses.
 *
 * <ul>
 *   <li>BACKWARD: a consumer with the new schema reads data written with the latest schema;
 *   <li>FORWARD: a consumer with the latest schema reads data written with the new schema;
 *   <li>FULL: both; the {@code _TRANSITIVE} variants check every earlier version, not only the
 *       latest; NONE checks nothing.
 * </ul>
 *
 * <p>Checks use Avro's {@link SchemaCompatibility#checkReaderWriterCompatibility}.
 */
public enum CompatibilityLevel {
  NONE(false, false, false),
  BACKWARD(true, false, false),
  BACKWARD_TRANSITIVE(true, false, true),
  FORWARD(false, true, false),
  FORWARD_TRANSITIVE(false, true, true),
  FULL(true, true, false),
  FULL_TRANSITIVE(true, true, true);

  private final boolean backward;
  private final boolean forward;
  private final boolean transitive;

  CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
    this.backward = backward;
    this.forward = forward;
    this.transitive = transitive;
  }

  /**
   * Checks {@code candidate} against the earlier versions of a subject.
   *
   * @param candidate the schema about to be registered
   * @param previous the subject's earlier schemas, oldest first (may be empty)
   * @return the reasons the candidate is incompatible; empty when it is compatible
   */
  public List<String> violations(Schema candidate, List<Schema> previous) {
    List<String> reasons = new ArrayList<>();
    if (previous.isEmpty()) {
      return reasons;
    }
    List<Schema> toCheck = transitive ? previous : List.of(previous.get(previous.size() - 1));
    for (Schema earlier : toCheck) {
      if (backward) {
        check(candidate, earlier, "BACKWARD", reasons);
      }
      if (forward) {
        check(earlier, candidate, "FORWARD", reasons);
      }
    }
    return reasons;
  }

  private static void check(Schema reader, Schema writer, String rule, List<String> reasons) {
    SchemaPairCompatibility result =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      result
          .getResult()
          .getIncompatibilities()
          .forEach(
              incompatibility ->
                  reasons.add(
                      rule
                          + ": "
                          + incompatibility.getType()
                          + " at "
                          + incompatibility.getLocation()
                          + ": "
                          + incompatibility.getMessage()));
    }
  }
}

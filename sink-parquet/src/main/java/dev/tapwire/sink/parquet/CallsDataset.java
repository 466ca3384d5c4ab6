package dev.tapwire.sink.parquet;

import dev.tapwire.avro.CallRecord;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;

/**
 * The {@code calls} dataset: one row per call record, with exactly the nested columns of {@code
 * call-record.avsc} (DuckDB: {@code usage.input_tokens}, {@code cost.total_usd} …), partitioned by
 * the UTC day and hour of {@code timing.start}.
 *
 * <p>Schema evolution: the Parquet schema is the {@link CallRecord} schema this sink was built
 * with. Records written with a newer call-record schema are resolved to it by Avro when they are
 * deserialized, so a new optional field does not break the sink; its values are left out of the
 * Parquet files until the sink is rebuilt with the new schema (the raw archive keeps everything
 * needed to re-derive them). Every file written by one build therefore has one schema; files
 * written before an upgrade that added fields lack those columns, so readers use DuckDB's {@code
 * union_by_name = true}. The dataset is append-only: a call id that arrives twice (e.g. a Message
 * Batch result downloaded twice) gives two rows.
 */
public final class CallsDataset implements Dataset<CallRecord> {

  /** Directory name under the sink root. */
  public static final String NAME = "calls";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Schema rowSchema() {
    return CallRecord.getClassSchema();
  }

  @Override
  public GenericData dataModel() {
    return SpecificData.getForClass(CallRecord.class);
  }

  @Override
  public TimestampExtractor<CallRecord> timestamps() {
    return call -> {
      if (call.getTiming() == null || call.getTiming().getStart() == null) {
        throw new IllegalArgumentException("call " + call.getCallId() + " has no timing.start");
      }
      return call.getTiming().getStart();
    };
  }

  @Override
  public IndexedRecord toRow(CallRecord value) {
    timestamps().extract(value);
    return value;
  }
}

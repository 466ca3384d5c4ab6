package dev.tapwire.sink.parquet;

import dev.tapwire.avro.FlowEvent;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;

/**
 * The {@code flows} dataset: the raw topic archived as one row per flow event ({@code
 * flow-row.avsc} in this package), partitioned by the UTC day and hour of the event time, so raw
 * traffic outlives Kafka retention and can be replayed from files ({@link FlowRows#rebuild}).
 */
public final class FlowsDataset implements Dataset<FlowEvent> {

  /** Directory name under the sink root. */
  public static final String NAME = "flows";

  /** File footer key holding the JSON FlowEvent schema that {@code event_avro} is written in. */
  public static final String EVENT_SCHEMA_METADATA_KEY = "tapwire.flow_event.schema";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Schema rowSchema() {
    return FlowRows.SCHEMA;
  }

  @Override
  public GenericData dataModel() {
    return FlowRows.MODEL;
  }

  @Override
  public Map<String, String> fileMetadata() {
    return Map.of(EVENT_SCHEMA_METADATA_KEY, FlowEvent.getClassSchema().toString());
  }

  @Override
  public TimestampExtractor<FlowEvent> timestamps() {
    return FlowEvent::getEventTime;
  }

  @Override
  public IndexedRecord toRow(FlowEvent value) {
    return FlowRows.toRow(value);
  }
}

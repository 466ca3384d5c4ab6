package dev.tapwire.processor.provider;

import dev.tapwire.processor.usage.UsageAccumulator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link ProviderParser} learned from one call's request and response bodies. Mutable; one
 * instance per call, filled in body order, then read by the call-record builder. Absent facts stay
 * null.
 */
public final class CallFacts {
  public String requestModel;
  public Boolean stream;
  public Long maxTokens;
  public String thinkingType;
  public Long thinkingBudgetTokens;
  public Integer messageCount;
  public Integer toolCount;

  /** The request body's {@code metadata.user_id}, raw. */
  public String metadataUserId;

  public String messageId;
  public String servedModel;
  public String stopReason;
  public String errorType;
  public String errorMessage;
  public final List<String> toolNames = new ArrayList<>();

  /** Arrival of the frame carrying the first content delta. */
  public Instant firstToken;

  /** True when the stream's terminal event arrived (message_stop, [DONE], response.completed). */
  public boolean streamCompleted;

  /** True when an error event arrived after HTTP 200. */
  public boolean streamError;

  public int sseEventCount;

  /** The first response body parse problem (bad JSON in a body or an SSE event), or null. */
  public String responseParseError;

  /** The request body parse problem, or null. */
  public String requestParseError;

  public final UsageAccumulator usage = new UsageAccumulator();

  /** Records the first content token's arrival; later calls are ignored. */
  public void firstTokenAt(Instant arrival) {
    if (firstToken == null) {
      firstToken = arrival;
    }
  }

  /** Records a response parse problem unless one was already recorded. */
  public void responseParseProblem(String problem) {
    if (responseParseError == null) {
      responseParseError = problem;
    }
  }
}

package dev.tapwire.processor.call;

import dev.tapwire.avro.ErrorKind;
import dev.tapwire.avro.FlowEnd;
import dev.tapwire.avro.FlowError;
import dev.tapwire.avro.Outcome;
import dev.tapwire.avro.Termination;
import dev.tapwire.processor.provider.CallFacts;

/**
 * The outcome of a call, in this order: no flow end → TIMED_OUT (or, for a lone flow error, the
 * error's kind); a termination other than COMPLETE maps directly (CLIENT_ABORTED; UPSTREAM_RESET,
 * UPSTREAM_TLS_FAILURE, UPSTREAM_CONNECT_FAILURE → UPSTREAM_FAILURE; TIMEOUT → TIMED_OUT;
 * PROXY_ERROR, REJECTED → PROXY_ERROR); then HTTP status ≥ 400 → ERROR_RESPONSE; no response head →
 * PROXY_ERROR; an error event after HTTP 200 → STREAM_ERROR; a stream of an operation with a
 * terminal event that ended without it → TRUNCATED; else COMPLETE.
 */
public final class OutcomeRules {
  private OutcomeRules() {}

  /**
   * @param contents the flow
   * @param facts what the provider parser read
   * @param streamed true when the response was an event stream
   * @param requiresTerminalEvent true when the operation's stream has a terminal event
   */
  public static Outcome decide(
      FlowContents contents, CallFacts facts, boolean streamed, boolean requiresTerminalEvent) {
    FlowEnd end = contents.flowEnd();
    if (end == null) {
      if (contents.requestHead() == null && contents.flowError() != null) {
        return fromError(contents.flowError());
      }
      return Outcome.TIMED_OUT;
    }
    Termination termination = end.getTermination();
    switch (termination) {
      case CLIENT_ABORTED:
        return Outcome.CLIENT_ABORTED;
      case UPSTREAM_RESET:
      case UPSTREAM_TLS_FAILURE:
      case UPSTREAM_CONNECT_FAILURE:
        return Outcome.UPSTREAM_FAILURE;
      case TIMEOUT:
        return Outcome.TIMED_OUT;
      case PROXY_ERROR:
      case REJECTED:
        return Outcome.PROXY_ERROR;
      default:
        break;
    }
    if (contents.responseHead() == null) {
      return Outcome.PROXY_ERROR;
    }
    if (contents.responseHead().getStatus() >= 400) {
      return Outcome.ERROR_RESPONSE;
    }
    if (facts.streamError) {
      return Outcome.STREAM_ERROR;
    }
    if (streamed && requiresTerminalEvent && !facts.streamCompleted) {
      return Outcome.TRUNCATED;
    }
    return Outcome.COMPLETE;
  }

  /** The outcome of a flow that consists of a proxy-reported error only. */
  static Outcome fromError(FlowError error) {
    ErrorKind kind = error.getKind();
    return switch (kind) {
      case UPSTREAM_TLS_FAILURE, UPSTREAM_CONNECT_FAILURE, UPSTREAM_RESET ->
          Outcome.UPSTREAM_FAILURE;
      case CLIENT_ABORTED -> Outcome.CLIENT_ABORTED;
      default -> Outcome.PROXY_ERROR;
    };
  }
}

package dev.tapwire.processor.call;

import dev.tapwire.avro.CallIdentity;
import dev.tapwire.avro.CallRecord;
import dev.tapwire.avro.CallRequest;
import dev.tapwire.avro.CallResponse;
import dev.tapwire.avro.Cost;
import dev.tapwire.avro.CostStatus;
import dev.tapwire.avro.Operation;
import dev.tapwire.avro.Outcome;
import dev.tapwire.avro.RequestHead;
import dev.tapwire.avro.Timing;
import dev.tapwire.processor.decode.ContentDecoder;
import dev.tapwire.processor.decode.DecodeResult;
import dev.tapwire.processor.http.Headers;
import dev.tapwire.processor.pricing.CostCalculator;
import dev.tapwire.processor.provider.BatchResultsParser;
import dev.tapwire.processor.provider.BatchResultsParser.Parsed;
import dev.tapwire.processor.provider.BatchResultsParser.Problem;
import dev.tapwire.processor.provider.BatchResultsParser.Result;
import dev.tapwire.processor.provider.BatchResultsParser.ResultType;
import dev.tapwire.processor.provider.CallFacts;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Turns an Anthropic Message Batches results download ({@code GET
 * /v1/messages/batches/{id}/results}, read by {@link BatchResultsParser}) into one call record per
 * result line; the usage of batched requests appears on the wire only there.
 *
 * <p>A result record starts from the download flow's own record (identity and attribution,
 * credential, client, upstream request id, proxy, termination, timing, rate limits) and takes from
 * its line: operation MESSAGES, {@code request.batch_id} (from the path) and {@code
 * request.batch_custom_id}, the message id, served model, stop reason, tool names and usage of a
 * succeeded result, priced with the batch discount at the download's start; {@code response_bytes}
 * is the line's decoded length. An errored, canceled or expired result is ERROR_RESPONSE with its
 * error type ({@code canceled} / {@code expired} for those two) and cost NOT_BILLABLE. The request
 * model stays null (the batched request's body is not part of this flow), and time to first token
 * and output tokens per second are null (the wire does not show when the provider ran the request).
 *
 * <p>The call id is {@link #callId}, a name-based UUID of the batch id and custom id, so every
 * download of the same results (and every re-derivation) gives the same call ids: keyed topics and
 * the audit table upsert, while append-only stores such as the Parquet dataset keep one row per
 * download.
 *
 * <p>Fallbacks: a flow that is not a results download, a status other than 2xx, a body that does
 * not decode, or a body without lines gives the download's own record (operation OTHER) alone.
 * Unreadable lines do not stop the others: the download's own record is emitted as well, with a
 * {@code response.decode_error} naming the lines.
 */
public final class BatchResultRecords {
  /** Prefix of the name from which a batch result's call id is derived. */
  public static final String CALL_ID_NAME_PREFIX = "anthropic-batch-result:";

  private static final int PROBLEMS_NAMED = 5;

  private final CostCalculator costs;
  private final ContentDecoder decoder;

  /**
   * @param costs prices succeeded results (with {@code batch = true})
   * @param decoder decodes the results body's content encoding
   */
  public BatchResultRecords(CostCalculator costs, ContentDecoder decoder) {
    this.costs = costs;
    this.decoder = decoder;
  }

  /**
   * The call id of a batch result: {@code UUID.nameUUIDFromBytes} (version 3) of {@code
   * "anthropic-batch-result:" + batchId + ":" + customId} in UTF-8.
   */
  public static UUID callId(String batchId, String customId) {
    return UUID.nameUUIDFromBytes(
        (CALL_ID_NAME_PREFIX + batchId + ":" + customId).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The records a flow gives.
   *
   * @param flow the flow
   * @param download the flow's own record, as {@link CallRecordBuilder#build} derived it
   * @return {@code download} alone, or the result records (plus {@code download} with a decode
   *     error when some lines were unreadable), in body order
   */
  public List<CallRecord> expand(FlowContents flow, CallRecord download) {
    RequestHead head = flow.requestHead();
    if (head == null || flow.responseHead() == null) {
      return List.of(download);
    }
    String batchId =
        BatchResultsParser.batchIdOfResultsDownload(
            head.getHost(), head.getMethod(), head.getPath());
    int status = flow.responseHead().getStatus();
    if (batchId == null || status < 200 || status > 299 || flow.responseBody().isEmpty()) {
      return List.of(download);
    }
    Headers responseHeaders = new Headers(flow.responseHead().getHeaders());
    DecodeResult decoded =
        decoder.decode(
            responseHeaders.first("content-encoding"), FlowContents.join(flow.responseBody()));
    if (!decoded.isOk()) {
      return List.of(download);
    }
    Parsed parsed = BatchResultsParser.parse(decoded.bytes());
    if (parsed.isEmpty()) {
      return List.of(download);
    }
    List<CallRecord> records = new ArrayList<>(parsed.results().size() + 1);
    for (Result result : parsed.results()) {
      records.add(resultRecord(download, batchId, result));
    }
    if (!parsed.problems().isEmpty()) {
      records.add(withDecodeError(download, describe(parsed)));
    }
    return records;
  }

  private CallRecord resultRecord(CallRecord download, String batchId, Result result) {
    CallFacts facts = result.facts();
    boolean succeeded = result.type() == ResultType.SUCCEEDED;
    Instant start = download.getTiming().getStart();
    Cost cost =
        succeeded
            ? costs.price(
                facts.servedModel,
                facts.usage,
                start,
                download.getRequest().getAnthropicBeta(),
                true)
            : Cost.newBuilder()
                .setStatus(CostStatus.NOT_BILLABLE)
                .setPriceTableVersion(costs.tableVersion())
                .build();
    return CallRecord.newBuilder(download)
        .setCallId(callId(batchId, result.customId()))
        .setOutcome(succeeded ? Outcome.COMPLETE : Outcome.ERROR_RESPONSE)
        .setIdentity(
            CallIdentity.newBuilder(download.getIdentity()).setMessageId(facts.messageId).build())
        .setRequest(
            CallRequest.newBuilder(download.getRequest())
                .setProvider("anthropic")
                .setOperation(Operation.MESSAGES)
                .setModel(null)
                .setBatchId(batchId)
                .setBatchCustomId(result.customId())
                .build())
        .setResponse(
            CallResponse.newBuilder(download.getResponse())
                .setModel(facts.servedModel)
                .setStopReason(facts.stopReason)
                .setErrorType(facts.errorType)
                .setErrorMessage(facts.errorMessage)
                .setStreamed(false)
                .setSseEventCount(0)
                .setToolNames(facts.toolNames)
                .setResponseBytes(result.bytes())
                .setDecodeError(null)
                .build())
        .setUsage(facts.usage.toUsage())
        .setCost(cost)
        .setTiming(
            Timing.newBuilder(download.getTiming())
                .setFirstToken(null)
                .setTimeToFirstTokenMs(null)
                .setOutputTokensPerSecond(null)
                .build())
        .build();
  }

  private static CallRecord withDecodeError(CallRecord download, String error) {
    return CallRecord.newBuilder(download)
        .setResponse(CallResponse.newBuilder(download.getResponse()).setDecodeError(error).build())
        .build();
  }

  private static String describe(Parsed parsed) {
    List<Problem> problems = parsed.problems();
    String named =
        problems.stream()
            .limit(PROBLEMS_NAMED)
            .map(Problem::toString)
            .collect(Collectors.joining("; "));
    return "Message Batch results: "
        + problems.size()
        + " of "
        + (problems.size() + parsed.results().size())
        + " lines unreadable ("
        + named
        + (problems.size() > PROBLEMS_NAMED ? "; …" : "")
        + ")";
  }
}

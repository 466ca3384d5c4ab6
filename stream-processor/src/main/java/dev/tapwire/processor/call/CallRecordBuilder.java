package dev.tapwire.processor.call;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tapwire.avro.CallIdentity;
import dev.tapwire.avro.CallRecord;
import dev.tapwire.avro.CallRequest;
import dev.tapwire.avro.CallResponse;
import dev.tapwire.avro.Cost;
import dev.tapwire.avro.CostStatus;
import dev.tapwire.avro.FlowEnd;
import dev.tapwire.avro.FlowError;
import dev.tapwire.avro.Operation;
import dev.tapwire.avro.Outcome;
import dev.tapwire.avro.RateLimits;
import dev.tapwire.avro.RequestHead;
import dev.tapwire.avro.ResponseHead;
import dev.tapwire.avro.SseChunk;
import dev.tapwire.avro.SseFrame;
import dev.tapwire.processor.attribution.ClientSoftware;
import dev.tapwire.processor.attribution.Credential;
import dev.tapwire.processor.attribution.UserIdMetadata;
import dev.tapwire.processor.decode.ContentDecoder;
import dev.tapwire.processor.decode.DecodeResult;
import dev.tapwire.processor.http.Headers;
import dev.tapwire.processor.pricing.CostCalculator;
import dev.tapwire.processor.provider.CallFacts;
import dev.tapwire.processor.provider.Json;
import dev.tapwire.processor.provider.ProviderParser;
import dev.tapwire.processor.provider.ProviderParsers;
import dev.tapwire.processor.ratelimit.RateLimitHeaders;
import dev.tapwire.processor.sse.SseParser;
import dev.tapwire.processor.timing.CallTiming;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Derives the {@link CallRecord}s of one flow — one, except for Message Batches results downloads
 * ({@link #buildAll}): decodes the bodies ({@link ContentDecoder}), lets the provider parser chosen
 * by host and path read them (SSE frames are fed one at a time so each event carries its frame's
 * arrival time), merges usage, attributes the call, prices it, and applies the {@link
 * OutcomeRules}. Never throws for bad bodies: decode and parse problems are recorded in {@code
 * request.decode_error} / {@code response.decode_error}.
 */
public final class CallRecordBuilder {
  /** Version recorded in every call record. */
  public static final String PROCESSOR_VERSION = version();

  private final CostCalculator costs;
  private final ContentDecoder decoder;
  private final Clock clock;
  private final BatchResultRecords batchResults;

  /**
   * @param costs the cost calculator (price table and default cache TTL)
   * @param decoder the content decoder
   * @param clock the clock stamping {@code processed_at}
   */
  public CallRecordBuilder(CostCalculator costs, ContentDecoder decoder, Clock clock) {
    this.costs = costs;
    this.decoder = decoder;
    this.clock = clock;
    this.batchResults = new BatchResultRecords(costs, decoder);
  }

  private static String version() {
    String v = CallRecordBuilder.class.getPackage().getImplementationVersion();
    return v == null ? "tapwire-stream-processor-dev" : "tapwire-stream-processor-" + v;
  }

  /**
   * Builds the call records of a flow that has a request head or a flow error: the flow's own
   * record ({@link #build}), except for an Anthropic Message Batches results download, which gives
   * one record per result line ({@link BatchResultRecords}).
   *
   * @return at least one record; each is keyed by its own call id
   */
  public List<CallRecord> buildAll(FlowContents flow) {
    return batchResults.expand(flow, build(flow));
  }

  /** Builds the flow's own call record (call id = flow id). */
  public CallRecord build(FlowContents flow) {
    RequestHead head = flow.requestHead();
    String host = head != null ? head.getHost() : hostOf(flow.flowError());
    String path = head != null ? head.getPath() : "";
    ProviderParser parser = ProviderParsers.select(host, path);
    Headers requestHeaders = new Headers(head == null ? null : head.getHeaders());
    ResponseHead responseHead = flow.responseHead();
    Headers responseHeaders = new Headers(responseHead == null ? null : responseHead.getHeaders());
    CallFacts facts = new CallFacts();

    String requestDecodeError = readRequest(flow, parser, requestHeaders, facts);
    boolean streamed = isStream(flow, responseHeaders);
    String responseDecodeError =
        readResponse(flow, parser, responseHead, responseHeaders, streamed, facts);

    Outcome outcome = OutcomeRules.decide(flow, facts, streamed, parser.requiresTerminalEvent());
    FlowError error = flow.flowError();
    if (facts.errorType == null && error != null) {
      facts.errorType = "proxy_" + error.getKind().name().toLowerCase(Locale.ROOT);
      facts.errorMessage = error.getMessage();
    }
    List<String> betas = requestHeaders.splitValues("anthropic-beta");
    Instant start = flow.startTime();
    String model = facts.servedModel != null ? facts.servedModel : facts.requestModel;
    Cost cost =
        parser.billable()
            ? costs.price(model, facts.usage, start, betas, ProviderParsers.isBatch(path))
            : Cost.newBuilder()
                .setStatus(CostStatus.NOT_BILLABLE)
                .setPriceTableVersion(costs.tableVersion())
                .build();
    FlowEnd end = flow.flowEnd();
    Long firstByteMicros =
        responseHead != null
            ? Long.valueOf(responseHead.getFirstByteMicros())
            : end == null ? null : end.getFirstByteMicros();
    RateLimits rateLimits =
        RateLimitHeaders.from(responseHead == null ? null : responseHead.getHeaders());

    return CallRecord.newBuilder()
        .setCallId(flow.flowId())
        .setProxyId(flow.proxyId())
        .setOutcome(outcome)
        .setTermination(end == null ? null : end.getTermination().name())
        .setIdentity(identity(flow, requestHeaders, responseHeaders, facts))
        .setRequest(
            CallRequest.newBuilder()
                .setProvider(parser.provider())
                .setHost(host)
                .setMethod(head == null ? "" : head.getMethod())
                .setPath(path)
                .setOperation(parser.operation())
                .setModel(facts.requestModel)
                .setStream(facts.stream)
                .setMaxTokens(facts.maxTokens)
                .setThinkingType(facts.thinkingType)
                .setThinkingBudgetTokens(facts.thinkingBudgetTokens)
                .setMessageCount(facts.messageCount)
                .setToolCount(facts.toolCount)
                .setRequestBytes(
                    end != null ? end.getRequestBytes() : FlowContents.size(flow.requestBody()))
                .setAnthropicVersion(requestHeaders.first("anthropic-version"))
                .setAnthropicBeta(betas)
                .setDecodeError(requestDecodeError)
                .build())
        .setResponse(
            CallResponse.newBuilder()
                .setStatus(responseHead == null ? null : responseHead.getStatus())
                .setModel(facts.servedModel)
                .setStopReason(facts.stopReason)
                .setErrorType(facts.errorType)
                .setErrorMessage(facts.errorMessage)
                .setStreamed(streamed)
                .setSseEventCount(facts.sseEventCount)
                .setToolNames(facts.toolNames)
                .setResponseBytes(responseBytes(flow, end))
                .setContentEncoding(responseHeaders.first("content-encoding"))
                .setDecodeError(responseDecodeError)
                .build())
        .setUsage(facts.usage.toUsage())
        .setCost(cost)
        .setTiming(
            CallTiming.of(
                start,
                firstByteMicros,
                facts.firstToken,
                flow.endTime(),
                facts.usage.outputTokens()))
        .setRateLimits(rateLimits)
        .setProcessedAt(clock.instant())
        .setProcessorVersion(PROCESSOR_VERSION)
        .build();
  }

  private static long responseBytes(FlowContents flow, FlowEnd end) {
    if (end != null) {
      return end.getResponseBytes();
    }
    long total = FlowContents.size(flow.responseBody());
    for (SseChunk chunk : flow.sseChunks()) {
      total += chunk.getData().remaining();
    }
    return total;
  }

  private static String hostOf(FlowError error) {
    if (error == null || error.getTarget() == null) {
      return "";
    }
    String target = error.getTarget();
    int colon = target.lastIndexOf(':');
    return colon > 0 && target.indexOf(']') < colon ? target.substring(0, colon) : target;
  }

  private static boolean isStream(FlowContents flow, Headers responseHeaders) {
    if (!flow.sseChunks().isEmpty()) {
      return true;
    }
    String type = responseHeaders.first("content-type");
    return type != null && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
  }

  private static boolean parsesBodies(ProviderParser parser) {
    Operation op = parser.operation();
    return op != Operation.OTHER && op != Operation.TELEMETRY;
  }

  private String readRequest(
      FlowContents flow, ProviderParser parser, Headers headers, CallFacts facts) {
    if (!parsesBodies(parser) || flow.requestBody().isEmpty()) {
      return null;
    }
    DecodeResult decoded =
        decoder.decode(headers.first("content-encoding"), FlowContents.join(flow.requestBody()));
    if (!decoded.isOk()) {
      return decoded.error();
    }
    try {
      JsonNode body = Json.MAPPER.readTree(decoded.bytes());
      if (body == null || !body.isObject()) {
        return "request body is not a JSON object";
      }
      parser.onRequestBody(body, facts);
      return null;
    } catch (IOException e) {
      return "request body is not JSON: " + e.getMessage();
    }
  }

  private String readResponse(
      FlowContents flow,
      ProviderParser parser,
      ResponseHead head,
      Headers headers,
      boolean streamed,
      CallFacts facts) {
    String encoding = headers.first("content-encoding");
    boolean identity = ContentDecoder.isIdentity(encoding);
    if (streamed && identity) {
      feedFrames(flow.sseChunks(), parser, facts);
      return facts.responseParseError;
    }
    List<ByteBuffer> parts = new ArrayList<>(flow.responseBody());
    flow.sseChunks().forEach(chunk -> parts.add(chunk.getData()));
    if (parts.isEmpty() || head == null) {
      return null;
    }
    DecodeResult decoded = decoder.decode(encoding, FlowContents.join(parts));
    if (!decoded.isOk()) {
      return decoded.error();
    }
    if (streamed) {
      Instant arrival = flow.endTime() != null ? flow.endTime() : flow.lastEventTime();
      SseParser sse = new SseParser(event -> parser.onSseEvent(event, arrival, facts));
      sse.feed(decoded.bytes(), 0, decoded.bytes().length);
      sse.finish();
      return facts.responseParseError;
    }
    String type = headers.first("content-type");
    boolean json = type == null || type.toLowerCase(Locale.ROOT).contains("json");
    if (!json) {
      return null;
    }
    try {
      JsonNode body = Json.MAPPER.readTree(decoded.bytes());
      if (body != null && body.isObject()) {
        parser.onResponseBody(body, head.getStatus(), facts);
      }
      return null;
    } catch (JsonProcessingException e) {
      return parsesBodies(parser) ? "response body is not JSON: " + e.getOriginalMessage() : null;
    } catch (IOException e) {
      return "response body is not JSON: " + e.getMessage();
    }
  }

  private static void feedFrames(List<SseChunk> chunks, ProviderParser parser, CallFacts facts) {
    Instant[] arrival = new Instant[1];
    SseParser sse = new SseParser(event -> parser.onSseEvent(event, arrival[0], facts));
    for (SseChunk chunk : chunks) {
      ByteBuffer data = chunk.getData().duplicate();
      byte[] bytes;
      int base;
      if (data.hasArray()) {
        bytes = data.array();
        base = data.arrayOffset() + data.position();
      } else {
        bytes = new byte[data.remaining()];
        data.get(bytes);
        base = 0;
      }
      int at = 0;
      int limit = chunk.getData().remaining();
      for (SseFrame frame : chunk.getFrames()) {
        int length = Math.min(frame.getLength(), limit - at);
        arrival[0] = frame.getArrivalTime();
        sse.feed(bytes, base + at, length);
        at += length;
      }
      if (at < limit) {
        sse.feed(bytes, base + at, limit - at); // bytes not covered by frame lengths
      }
    }
    sse.finish();
  }

  private static CallIdentity identity(
      FlowContents flow, Headers request, Headers response, CallFacts facts) {
    UserIdMetadata userId = UserIdMetadata.parse(facts.metadataUserId);
    String sessionHeader = request.first("x-claude-code-session-id");
    String sessionId = sessionHeader;
    String sessionSource = sessionHeader == null ? null : "header";
    if (sessionId == null && userId != null && userId.sessionId() != null) {
      sessionId = userId.sessionId();
      sessionSource = userId.form();
    }
    String userAgent = request.first("user-agent");
    ClientSoftware client = ClientSoftware.fromUserAgent(userAgent);
    Credential credential = Credential.from(request);
    RequestHead head = flow.requestHead();
    String clientAddress =
        head != null
            ? head.getClientAddress()
            : flow.flowError() == null ? null : flow.flowError().getClientAddress();
    return CallIdentity.newBuilder()
        .setUpstreamRequestId(
            firstNonNull(response.first("request-id"), response.first("x-request-id")))
        .setMessageId(facts.messageId)
        .setClientRequestId(request.first("x-client-request-id"))
        .setSessionId(sessionId)
        .setSessionIdSource(sessionSource)
        .setUserHash(userId == null ? null : userId.userHash())
        .setAccountUuid(userId == null ? null : userId.accountUuid())
        .setAgentId(request.first("x-claude-code-agent-id"))
        .setParentAgentId(request.first("x-claude-code-parent-agent-id"))
        .setClientName(client.name())
        .setClientVersion(client.version())
        .setUserAgent(userAgent)
        .setCredentialFingerprint(credential.fingerprint())
        .setCredentialKind(credential.kind())
        .setClientAddress(clientAddress)
        .build();
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }
}

package dev.tapwire.processor.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.processor.provider.BatchResultsParser.Parsed;
import dev.tapwire.processor.provider.BatchResultsParser.Result;
import dev.tapwire.processor.provider.BatchResultsParser.ResultType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BatchResultsParserTest {

  private static Parsed parse(String body) {
    return BatchResultsParser.parse(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void shouldRecogniseOnlyResultsDownloadsOfAnthropicHosts() {
    assertThat(
            BatchResultsParser.batchIdOfResultsDownload(
                "api.anthropic.com", "GET", "/v1/messages/batches/msgbatch_01/results"))
        .isEqualTo("msgbatch_01");
    assertThat(
            BatchResultsParser.batchIdOfResultsDownload(
                "API.Anthropic.com", "get", "/v1/messages/batches/msgbatch_01/results/?beta=true"))
        .isEqualTo("msgbatch_01");
    assertThat(
            BatchResultsParser.batchIdOfResultsDownload(
                "api.anthropic.com", "GET", "/v1/messages/batches/msgbatch_01"))
        .as("poll")
        .isNull();
    assertThat(
            BatchResultsParser.batchIdOfResultsDownload(
                "api.anthropic.com", "POST", "/v1/messages/batches"))
        .as("create")
        .isNull();
    assertThat(
            BatchResultsParser.batchIdOfResultsDownload(
                "api.anthropic.com", "POST", "/v1/messages/batches/msgbatch_01/results"))
        .isNull();
    assertThat(
            BatchResultsParser.batchIdOfResultsDownload(
                "api.anthropic.com", "GET", "/v1/messages/batches//results"))
        .isNull();
    assertThat(
            BatchResultsParser.batchIdOfResultsDownload(
                "api.anthropic.com", "GET", "/v1/messages/batches/a/b/results"))
        .isNull();
    assertThat(
            BatchResultsParser.batchIdOfResultsDownload(
                "example.com", "GET", "/v1/messages/batches/msgbatch_01/results"))
        .isNull();
  }

  @Test
  void shouldReadSucceededLinesWithTheMessagesRules() {
    Parsed parsed =
        parse(
            "{\"custom_id\":\"a\",\"result\":{\"type\":\"succeeded\",\"message\":{\"id\":\"msg_1\","
                + "\"model\":\"claude-opus-4-5-20251101\",\"stop_reason\":\"tool_use\",\"content\":["
                + "{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"lookup\",\"input\":{}}],"
                + "\"usage\":{\"input_tokens\":10,\"cache_creation_input_tokens\":300,"
                + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":100,\"ephemeral_1h_input_tokens\":0},"
                + "\"output_tokens\":7,\"service_tier\":\"batch\"}}}}\r\n");

    assertThat(parsed.problems()).isEmpty();
    Result result = parsed.results().get(0);
    assertThat(result.lineNumber()).isEqualTo(1);
    assertThat(result.customId()).isEqualTo("a");
    assertThat(result.type()).isEqualTo(ResultType.SUCCEEDED);
    assertThat(result.facts().messageId).isEqualTo("msg_1");
    assertThat(result.facts().servedModel).isEqualTo("claude-opus-4-5-20251101");
    assertThat(result.facts().stopReason).isEqualTo("tool_use");
    assertThat(result.facts().toolNames).containsExactly("lookup");
    assertThat(result.facts().usage.toUsage().getCacheCreationUnattributedTokens()).isEqualTo(200L);
    assertThat(result.facts().usage.toUsage().getServiceTier()).isEqualTo("batch");
    assertThat(result.facts().errorType).isNull();
  }

  @Test
  void shouldReadErroredCanceledExpiredAndUnknownResultTypes() {
    Parsed parsed =
        parse(
            "{\"custom_id\":\"e\",\"result\":{\"type\":\"errored\",\"error\":{\"type\":\"error\","
                + "\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}}}\n"
                + "{\"custom_id\":\"c\",\"result\":{\"type\":\"canceled\"}}\n"
                + "{\"custom_id\":\"x\",\"result\":{\"type\":\"expired\"}}\n"
                + "{\"custom_id\":\"u\",\"result\":{\"type\":\"postponed\"}}");

    assertThat(parsed.problems()).isEmpty();
    assertThat(parsed.results())
        .extracting(Result::type)
        .containsExactly(
            ResultType.ERRORED, ResultType.CANCELED, ResultType.EXPIRED, ResultType.UNKNOWN);
    assertThat(parsed.results())
        .extracting(r -> r.facts().errorType)
        .containsExactly("overloaded_error", "canceled", "expired", "postponed");
    assertThat(parsed.results().get(0).facts().errorMessage).isEqualTo("Overloaded");
    assertThat(parsed.results()).allSatisfy(r -> assertThat(r.facts().usage.hasUsage()).isFalse());
  }

  @Test
  void shouldReportUnreadableLinesByNumberAndReadTheRest() {
    Parsed parsed =
        parse(
            "{\"custom_id\":\"a\",\"result\":{\"type\":\"canceled\"}}\n"
                + "not json\n"
                + "\n"
                + "[1,2]\n"
                + "{\"custom_id\":7,\"result\":{\"type\":\"canceled\"}}\n"
                + "{\"custom_id\":\"b\",\"result\":{}}\n"
                + "{\"custom_id\":\"c\",\"result\":{\"type\":\"succeeded\"}}\n"
                + "{\"custom_id\":\"d\",\"result\":{\"type\":\"canceled\"}} trailing\n"
                + "{\"custom_id\":\"z\",\"result\":{\"type\":\"expired\"}}");

    assertThat(parsed.results()).extracting(Result::customId).containsExactly("a", "z");
    assertThat(parsed.results()).extracting(Result::lineNumber).containsExactly(1, 9);
    assertThat(parsed.problems())
        .extracting(BatchResultsParser.Problem::lineNumber)
        .containsExactly(2, 4, 5, 6, 7, 8);
    assertThat(parsed.problems().get(0).toString()).startsWith("line 2: not JSON");
    assertThat(parsed.problems().get(2).reason()).isEqualTo("no custom_id");
    assertThat(parsed.problems().get(3).reason()).contains("no result.type");
    assertThat(parsed.problems().get(4).reason()).contains("without message");
  }

  @Test
  void shouldFindNothingInABlankBody() {
    assertThat(parse("").isEmpty()).isTrue();
    assertThat(parse("\n \r\n\n").isEmpty()).isTrue();
  }
}

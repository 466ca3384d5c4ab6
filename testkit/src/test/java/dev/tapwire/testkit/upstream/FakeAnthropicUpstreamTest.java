package dev.tapwire.testkit.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FakeAnthropicUpstreamTest {
  private static final String STREAMING =
      "{\"model\":\"claude-sonnet-4-5\",\"stream\":true,\"max_tokens\":16,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @Test
  void firstTokenDelayPausesOnlyAfterTheFirstFrame() throws Exception {
    try (FakeAnthropicUpstream upstream = FakeAnthropicUpstream.http()) {
      HttpClient client = HttpClient.newHttpClient();
      HttpRequest request =
          HttpRequest.newBuilder(upstream.baseUri().resolve("/v1/messages"))
              .header("content-type", "application/json")
              .header(FakeAnthropicUpstream.EVENTS, "3")
              .header(FakeAnthropicUpstream.FIRST_TOKEN_MS, "400")
              .POST(HttpRequest.BodyPublishers.ofString(STREAMING))
              .build();
      HttpResponse<InputStream> response =
          client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      List<String> events = new ArrayList<>();
      long firstFrameEnd = -1;
      long secondFrameStart = -1;
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (line.startsWith("event: ")) {
            if (events.size() == 1) {
              secondFrameStart = System.nanoTime();
            }
            events.add(line.substring(7));
          } else if (line.isEmpty() && events.size() == 1 && firstFrameEnd < 0) {
            firstFrameEnd = System.nanoTime();
          }
        }
      }
      assertThat(events.get(0)).isEqualTo("message_start");
      assertThat(events).contains("content_block_delta").endsWith("message_stop");
      assertThat((secondFrameStart - firstFrameEnd) / 1_000_000).isGreaterThanOrEqualTo(300);
    }
  }
}

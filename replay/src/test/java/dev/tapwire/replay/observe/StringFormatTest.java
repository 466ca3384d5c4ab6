package dev.tapwire.replay.observe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StringFormatTest {
  private static final String HEX64 = "a".repeat(32) + "0123456789abcdef0123456789abcdef";
  private static final String UUID = "5f0c2b1e-8a0d-4c3e-9a7b-2d1e0f9c8b7a";

  @Test
  void shouldRecogniseBothClaudeCodeUserIdForms() {
    assertThat(StringFormat.of("user_" + HEX64 + "_account_" + UUID + "_session_" + UUID))
        .isEqualTo("claude-user-id");
    assertThat(StringFormat.of("user_" + HEX64 + "_account__session_" + UUID))
        .isEqualTo("claude-user-id");
    assertThat(
            StringFormat.of(
                "{\"device_id\":\""
                    + HEX64
                    + "\",\"account_uuid\":\"\",\"session_id\":\""
                    + UUID
                    + "\"}"))
        .isEqualTo("json-text");
  }

  @Test
  void shouldClassifyIdentifierShapes() {
    assertThat(StringFormat.of("")).isEqualTo("empty");
    assertThat(StringFormat.of(UUID.toUpperCase())).isEqualTo("uuid");
    assertThat(StringFormat.of("[1,2]")).isEqualTo("json-text");
    assertThat(StringFormat.of("{not json}")).isEqualTo("text");
    assertThat(StringFormat.of("2026-11-15T10:00:00.123Z")).isEqualTo("date-time");
    assertThat(StringFormat.of("https://api.anthropic.com/v1/messages")).isEqualTo("url");
    assertThat(StringFormat.of(HEX64)).isEqualTo("hex");
    assertThat(StringFormat.of("QUJD".repeat(20))).isEqualTo("base64");
    assertThat(StringFormat.of("toolu_01A09q90qw90lq917835lq9")).isEqualTo("prefixed-id");
    assertThat(StringFormat.of("claude-sonnet-4-5-20250929")).isEqualTo("token");
    assertThat(StringFormat.of("end_turn")).isEqualTo("token");
    assertThat(StringFormat.of("Hello, world")).isEqualTo("text");
  }
}

package dev.tapwire.processor.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.avro.CredentialKind;
import dev.tapwire.avro.Header;
import dev.tapwire.processor.http.Headers;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttributionTest {
  private static final String SESSION = "5f0c2b1e-8a0d-4c3e-9a7b-2d1e0f9c8b7a";

  @Test
  void shouldParseLegacyUserIdWithAccount() {
    UserIdMetadata m =
        UserIdMetadata.parse(
            "user_"
                + "ab".repeat(32)
                + "_account_1b2c3d4e-0000-4000-8000-000000000001_session_"
                + SESSION);
    assertThat(m.userHash()).isEqualTo("ab".repeat(32));
    assertThat(m.accountUuid()).isEqualTo("1b2c3d4e-0000-4000-8000-000000000001");
    assertThat(m.sessionId()).isEqualTo(SESSION);
    assertThat(m.form()).isEqualTo("user_id_legacy");
  }

  @Test
  void shouldParseLegacyUserIdWithEmptyAccount() {
    UserIdMetadata m =
        UserIdMetadata.parse("user_" + "cd".repeat(32) + "_account__session_" + SESSION);
    assertThat(m.accountUuid()).isNull();
    assertThat(m.sessionId()).isEqualTo(SESSION);
  }

  @Test
  void shouldParseJsonUserId() {
    UserIdMetadata m =
        UserIdMetadata.parse(
            "{\"device_id\":\"dev-1\",\"account_uuid\":\"acc-1\",\"session_id\":\""
                + SESSION
                + "\"}");
    assertThat(m).isEqualTo(new UserIdMetadata("dev-1", "acc-1", SESSION, "user_id_json"));
  }

  @Test
  void shouldIgnoreUserIdInNeitherForm() {
    assertThat(UserIdMetadata.parse("alice@example.com")).isNull();
    assertThat(UserIdMetadata.parse("{broken")).isNull();
    assertThat(UserIdMetadata.parse(null)).isNull();
  }

  @Test
  void shouldParseClientFromUserAgent() {
    assertThat(ClientSoftware.fromUserAgent("claude-cli/2.1.3 (external, cli)"))
        .isEqualTo(new ClientSoftware("claude-cli", "2.1.3"));
    assertThat(ClientSoftware.fromUserAgent("Anthropic/Java 2.0.0"))
        .isEqualTo(new ClientSoftware("anthropic-java", "2.0.0"));
    assertThat(ClientSoftware.fromUserAgent("OpenAI/Python 1.99.1"))
        .isEqualTo(new ClientSoftware("openai-python", "1.99.1"));
    assertThat(ClientSoftware.fromUserAgent("curl/8.5.0"))
        .isEqualTo(new ClientSoftware("curl", "8.5.0"));
    assertThat(ClientSoftware.fromUserAgent("Mozilla"))
        .isEqualTo(new ClientSoftware("Mozilla", null));
    assertThat(ClientSoftware.fromUserAgent(null)).isEqualTo(new ClientSoftware(null, null));
  }

  @Test
  void shouldTakeCredentialFingerprintAndKindFromRedactedHeader() {
    Credential apiKey =
        Credential.from(new Headers(List.of(new Header("X-Api-Key", "fp:api_key:0a1b2c"))));
    assertThat(apiKey).isEqualTo(new Credential("0a1b2c", CredentialKind.API_KEY));
    Credential bearer =
        Credential.from(new Headers(List.of(new Header("Authorization", "fp:bearer:ffee"))));
    assertThat(bearer).isEqualTo(new Credential("ffee", CredentialKind.OAUTH_BEARER));
    Credential cookie = Credential.from(new Headers(List.of(new Header("cookie", "fp:cookie:99"))));
    assertThat(cookie.kind()).isEqualTo(CredentialKind.OTHER);
    assertThat(Credential.from(new Headers(List.of())).kind()).isEqualTo(CredentialKind.NONE);
  }

  @Test
  void shouldNeverCopyAnUnredactedCredential() {
    Credential raw =
        Credential.from(new Headers(List.of(new Header("x-api-key", "sk-ant-secret"))));
    assertThat(raw).isEqualTo(new Credential(null, CredentialKind.OTHER));
  }
}

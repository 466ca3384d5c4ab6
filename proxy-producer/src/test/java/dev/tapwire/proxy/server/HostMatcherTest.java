package dev.tapwire.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostMatcherTest {
  @Test
  void shouldMatchExactHostsAndSubdomainWildcardsCaseInsensitively() {
    HostMatcher m = new HostMatcher(List.of("api.anthropic.com", "*.example.com"));
    assertThat(m.matches("API.Anthropic.com.")).isTrue();
    assertThat(m.matches("a.example.com")).isTrue();
    assertThat(m.matches("a.b.example.com")).isTrue();
    assertThat(m.matches("example.com")).isFalse();
    assertThat(m.matches("evilexample.com")).isFalse();
    assertThat(m.matches("anthropic.com")).isFalse();
  }

  @Test
  void shouldParseConnectAuthorityIncludingIpv6() {
    assertThat(Target.ofAuthority("[::1]:8443", true)).isEqualTo(new Target("::1", 8443, true));
    assertThat(Target.ofAuthority("api.anthropic.com:443", true).hostHeader())
        .isEqualTo("api.anthropic.com");
  }
}

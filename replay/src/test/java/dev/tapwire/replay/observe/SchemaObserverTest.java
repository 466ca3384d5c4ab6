package dev.tapwire.replay.observe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SchemaObserverTest {

  @Test
  void shouldKeepNamesAndCollapseKeysThatCarryData() {
    assertThat(SchemaObserver.fieldName("user_id")).isEqualTo("user_id");
    assertThat(SchemaObserver.fieldName("anthropic-beta")).isEqualTo("anthropic-beta");
    assertThat(SchemaObserver.fieldName("$ref")).isEqualTo("$ref");
    assertThat(SchemaObserver.fieldName("12")).isEqualTo("*");
    assertThat(SchemaObserver.fieldName("5f0c2b1e-8a0d-4c3e-9a7b-2d1e0f9c8b7a")).isEqualTo("*");
    assertThat(SchemaObserver.fieldName("0123456789abcdef0123")).isEqualTo("*");
    assertThat(SchemaObserver.fieldName("/home/alice/secret-plan.txt")).isEqualTo("*");
    assertThat(SchemaObserver.fieldName("what is my password")).isEqualTo("*");
    assertThat(SchemaObserver.fieldName("a.b")).isEqualTo("*");
    assertThat(SchemaObserver.fieldName("x".repeat(65))).isEqualTo("*");
  }

  @Test
  void shouldTypeJsonNodes() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    assertThat(SchemaObserver.typeOf(json.readTree("1"))).isEqualTo("integer");
    assertThat(SchemaObserver.typeOf(json.readTree("1.5"))).isEqualTo("number");
    assertThat(SchemaObserver.typeOf(json.readTree("null"))).isEqualTo("null");
    assertThat(SchemaObserver.typeOf(json.readTree("\"s\""))).isEqualTo("string");
    assertThat(SchemaObserver.typeOf(json.readTree("[]"))).isEqualTo("array");
    assertThat(SchemaObserver.typeOf(json.readTree("{}"))).isEqualTo("object");
    assertThat(SchemaObserver.typeOf(json.readTree("true"))).isEqualTo("boolean");
  }
}

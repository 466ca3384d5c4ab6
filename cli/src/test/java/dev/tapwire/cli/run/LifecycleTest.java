package dev.tapwire.cli.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifecycleTest {
  private final List<String> events = new ArrayList<>();

  private AutoCloseable component(String name) {
    events.add("start " + name);
    return () -> events.add("close " + name);
  }

  @Test
  void shouldCloseInReverseStartOrderOnce() throws Exception {
    Lifecycle lifecycle = new Lifecycle();
    lifecycle.start("broker", () -> component("broker"));
    lifecycle.start("sink", () -> component("sink"));
    lifecycle.onClose("state file", () -> events.add("delete state file"));

    lifecycle.close();
    lifecycle.close();

    assertThat(events)
        .containsExactly(
            "start broker", "start sink", "delete state file", "close sink", "close broker");
  }

  @Test
  void shouldKeepClosingTheOthersWhenOneFailsToClose() throws Exception {
    Lifecycle lifecycle = new Lifecycle();
    lifecycle.start("broker", () -> component("broker"));
    lifecycle.start(
        "proxy",
        () ->
            () -> {
              throw new IllegalStateException("port still busy");
            });

    lifecycle.close();

    assertThat(events).containsExactly("start broker", "close broker");
  }

  @Test
  void shouldLeaveEarlierComponentsToCloseWhenAStartFails() throws Exception {
    Lifecycle lifecycle = new Lifecycle();
    lifecycle.start("broker", () -> component("broker"));

    assertThatThrownBy(
            () ->
                lifecycle.start(
                    "registry",
                    () -> {
                      throw new IllegalStateException("cannot bind");
                    }))
        .hasMessage("cannot bind");
    lifecycle.close();

    assertThat(events).containsExactly("start broker", "close broker");
    assertThatThrownBy(() -> lifecycle.start("late", () -> component("late")))
        .isInstanceOf(IllegalStateException.class);
  }
}

package dev.tapwire.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  @Test
  void shouldSumSamplesOverLabelSetsAndSkipComments() {
    PrometheusText text =
        PrometheusText.parse(
            "# HELP tapwire_proxy_flows_total Flows\n"
                + "# TYPE tapwire_proxy_flows_total counter\n"
                + "tapwire_proxy_flows_total{host=\"api.anthropic.com\",outcome=\"complete\"} 7.0\n"
                + "tapwire_proxy_flows_total{host=\"api.anthropic.com\",outcome=\"error\"} 2.0\n"
                + "tapwire_capture_spool_records 0.0 1732200000000\n"
                + "odd_metric{label=\"a } b\"} 3\n");

    assertThat(text.sum("tapwire_proxy_flows_total")).hasValue(9.0);
    assertThat(text.sum("tapwire_capture_spool_records")).hasValue(0.0);
    assertThat(text.sum("tapwire_proxy_tunnels_total")).isEmpty();
  }
}

package dev.tapwire.embedded.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerPortTest {

  @TempDir Path dataDir;

  @Test
  void shouldListenOnRequestedFixedPort() throws Exception {
    int port = FreePorts.probe();
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.builder().dataDir(dataDir).port(port).build()) {
      broker.start();
      assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port))) {
        assertThat(admin.describeCluster().nodes().get()).hasSize(1);
      }
    }
  }

  @Test
  void shouldFailWithClearErrorWhenFixedPortIsTaken() throws Exception {
    try (ServerSocket occupied = new ServerSocket()) {
      occupied.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = occupied.getLocalPort();
      EmbeddedKafkaBroker broker =
          EmbeddedKafkaBroker.builder().dataDir(dataDir).port(port).build();
      assertThatIllegalStateException()
          .isThrownBy(broker::start)
          .withMessageContaining("could not bind")
          .withMessageContaining(Integer.toString(port));
      broker.close();
    }
  }

  @Test
  void shouldStartOnFreeDataDirWhileAnotherBrokerRuns(@TempDir Path otherDir) {
    try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.builder().dataDir(dataDir).build();
        EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().dataDir(otherDir).build()) {
      first.start();
      second.start();
      assertThat(first.port()).isNotEqualTo(second.port());
    }
  }

  @Test
  void shouldRetryWithNewPortsWhenProbedPortIsTakenBeforeBrokerBindsIt() throws Exception {
    try (ServerSocket thief = new ServerSocket()) {
      thief.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int stolen = thief.getLocalPort();
      AtomicInteger probes = new AtomicInteger();
      try (EmbeddedKafkaBroker broker =
          EmbeddedKafkaBroker.builder()
              .dataDir(dataDir)
              .portProbe(() -> probes.getAndIncrement() == 0 ? stolen : FreePorts.probe())
              .build()) {
        broker.start();

        assertThat(broker.port()).isNotEqualTo(stolen);
        assertThat(probes.get()).as("ports probed over two attempts").isGreaterThanOrEqualTo(4);
        try (Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
          assertThat(admin.describeCluster().nodes().get()).hasSize(1);
        }
      }
    }
  }
}

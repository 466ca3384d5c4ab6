package dev.tapwire.testkit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving tests a real Kafka broker and schema registry.
 *
 * <pre>{@code
 * @ExtendWith(KafkaExtension.class)
 * class CallRecordTopologyIT {
 *   @Test
 *   void shouldEmitOneCallPerFlow(KafkaEnvironment env) {
 *     String topic = env.uniqueName("flows");
 *     env.createTopic(topic, 3);
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>A {@link KafkaEnvironment} parameter is resolved in constructors, {@code @BeforeAll},
 * {@code @BeforeEach} and test methods. ONE environment serves the whole test JVM: it is started
 * lazily by the first class that needs it, kept in the root {@link ExtensionContext.Store}, and
 * closed when the JUnit engine finishes (the store closes {@link AutoCloseable} values). Which
 * backend runs is decided by the system property {@code tapwire.test.kafka} ({@code embedded},
 * {@code testcontainers}, default {@code auto}: Testcontainers when Docker is available, otherwise
 * the in-process broker and registry).
 */
public final class KafkaExtension implements BeforeAllCallback, ParameterResolver {

  private static final Namespace NAMESPACE = Namespace.create(KafkaExtension.class);
  private static final String KEY = "environment";

  @Override
  public void beforeAll(ExtensionContext context) {
    environment(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == KafkaEnvironment.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return environment(context);
  }

  private static KafkaEnvironment environment(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(KEY, key -> SharedEnvironment.start(), SharedEnvironment.class)
        .environment();
  }

  /** The store value: closing it shuts the environment down at the end of the test run. */
  private record SharedEnvironment(KafkaEnvironment environment) implements AutoCloseable {

    static SharedEnvironment start() {
      try {
        return new SharedEnvironment(new KafkaEnvironment(KafkaBackends.start()));
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("Cannot start the Kafka test environment", e);
      }
    }

    @Override
    public void close() throws Exception {
      environment.shutdown();
    }
  }
}

package dev.tapwire.embedded.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapwire.avro.CallRecord;
import dev.tapwire.avro.FlowEvent;
import dev.tapwire.embedded.kafka.EmbeddedKafkaBroker;
import dev.tapwire.schemas.Topics;
import dev.tapwire.serde.AvroDeserializer;
import dev.tapwire.serde.AvroSerdes;
import dev.tapwire.serde.AvroSerializer;
import dev.tapwire.serde.CompatibilityLevel;
import dev.tapwire.serde.IncompatibleSchemaException;
import dev.tapwire.serde.RestSchemaRegistryClient;
import dev.tapwire.serde.SampleRecords;
import dev.tapwire.serde.SchemaMetadata;
import dev.tapwire.serde.SchemaNotFoundException;
import dev.tapwire.serde.SerdeConfig;
import dev.tapwire.serde.SubjectNotFoundException;
import dev.tapwire.serde.VersionNotFoundException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded registry over real HTTP on a real broker. Each test uses its own topic. */
class EmbeddedSchemaRegistryTest {
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final Schema THING_V1 = thing("{\"name\":\"a\",\"type\":\"int\"}");
  private static final Schema THING_V2 =
      thing(
          "{\"name\":\"a\",\"type\":\"int\"}",
          "{\"name\":\"b\",\"type\":[\"null\",\"string\"],\"default\":null}");
  private static final Schema THING_REQUIRED_B =
      thing("{\"name\":\"a\",\"type\":\"int\"}", "{\"name\":\"b\",\"type\":\"string\"}");

  @TempDir static Path dataDir;
  private static EmbeddedKafkaBroker broker;

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<EmbeddedSchemaRegistry> started = new ArrayList<>();
  private String registryTopic;
  private EmbeddedSchemaRegistry registry;
  private RestSchemaRegistryClient client;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).port(0).build();
    broker.start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @BeforeEach
  void startRegistry() {
    registryTopic = "_schemas-" + UUID.randomUUID();
    registry = startRegistry(registryTopic);
    client = new RestSchemaRegistryClient(registry.url());
  }

  @AfterEach
  void closeRegistries() {
    started.forEach(EmbeddedSchemaRegistry::close);
  }

  private EmbeddedSchemaRegistry startRegistry(String topic) {
    EmbeddedSchemaRegistry r =
        new EmbeddedSchemaRegistry(
            broker.bootstrapServers(), new InetSocketAddress("127.0.0.1", 0), topic);
    started.add(r);
    r.start();
    return r;
  }

  @Test
  void shouldBindLoopbackAndDefaultToTheSchemasTopic() {
    EmbeddedSchemaRegistry defaults = new EmbeddedSchemaRegistry(broker.bootstrapServers());
    started.add(defaults);
    defaults.start();

    assertThat(defaults.url()).startsWith("http://127.0.0.1:");
    assertThat(new RestSchemaRegistryClient(defaults.url()).register("x-value", THING_V1))
        .isPositive();
    assertThat(cleanupPolicy(Topics.SCHEMAS)).isEqualTo("compact");
  }

  @Test
  void shouldRegisterLookUpAndListOverRest() throws Exception {
    int id = client.register("things-value", THING_V1);
    int again = client.register("things-value", THING_V1);
    int v2 = client.register("things-value", THING_V2);

    assertThat(again).isEqualTo(id);
    assertThat(v2).isNotEqualTo(id);
    assertThat(client.getById(id)).isEqualTo(THING_V1);
    assertThat(client.lookup("things-value", THING_V1))
        .isEqualTo(new SchemaMetadata("things-value", 1, id, THING_V1));
    assertThat(client.getLatest("things-value").version()).isEqualTo(2);
    assertThat(client.getVersion("things-value", 1).id()).isEqualTo(id);
    assertThat(client.subjects()).containsExactly("things-value");
    assertThat(get("/schemas/types").body.toString()).isEqualTo("[\"AVRO\"]");
    JsonNode versions = get("/subjects/things-value/versions").body;
    assertThat(versions.toString()).isEqualTo("[1,2]");
    assertThat(cleanupPolicy(registryTopic)).isEqualTo("compact");
  }

  @Test
  void shouldAnswerConfluentErrorCodesWithMatchingStatus() throws Exception {
    client.register("things-value", THING_V1);

    assertError(get("/subjects/nope-value/versions/latest"), 404, 40401);
    assertError(get("/subjects/things-value/versions/9"), 404, 40402);
    assertError(get("/schemas/ids/4242"), 404, 40403);
    assertError(post("/subjects/things-value", schemaBody(THING_V2)), 404, 40403);
    assertError(post("/subjects/things-value/versions", schemaBody(THING_REQUIRED_B)), 409, 409);
    assertError(
        post("/subjects/things-value/versions", "{\"schema\":\"{\\\"type\\\":\\\"recrod\\\"}\"}"),
        422,
        42201);
    assertError(post("/subjects/things-value/versions", "{\"schema\":\"not json\"}"), 422, 42201);
    assertError(get("/subjects/things-value/versions/0"), 422, 42202);
    assertError(put("/config", "{\"compatibility\":\"SIDEWAYS\"}"), 422, 42203);
    assertError(get("/no/such/route"), 404, 404);

    assertThatThrownBy(() -> client.getLatest("nope-value"))
        .isInstanceOf(SubjectNotFoundException.class);
    assertThatThrownBy(() -> client.getVersion("things-value", 9))
        .isInstanceOf(VersionNotFoundException.class);
    assertThatThrownBy(() -> client.getById(4242)).isInstanceOf(SchemaNotFoundException.class);
    assertThatThrownBy(() -> client.register("things-value", THING_REQUIRED_B))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("READER_FIELD_MISSING_DEFAULT");
    assertThatThrownBy(() -> client.lookup("things-value", THING_V2))
        .isInstanceOf(SchemaNotFoundException.class);
    assertError(post("/subjects/x-value/versions", "{\"schema\":\"{}\"}"), 422, 42201);
    assertError(
        post("/subjects/x-value/versions", "{\"schemaType\":\"PROTOBUF\",\"schema\":\"x\"}"),
        422,
        42201);
  }

  @Test
  void shouldApplyGlobalAndSubjectCompatibility() throws Exception {
    assertThat(client.getCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
    assertError(get("/config/things-value"), 404, 40408);
    assertThat(client.getCompatibility("things-value")).isEqualTo(CompatibilityLevel.BACKWARD);

    client.setCompatibility("things-value", CompatibilityLevel.NONE);
    client.register("things-value", THING_V1);
    client.register("things-value", THING_REQUIRED_B);
    client.setCompatibility(CompatibilityLevel.FULL);

    assertThat(get("/config").body.get("compatibilityLevel").asText()).isEqualTo("FULL");
    assertThat(get("/config/things-value").body.get("compatibilityLevel").asText())
        .isEqualTo("NONE");
    assertThat(client.getCompatibility("other-value")).isEqualTo(CompatibilityLevel.FULL);
    assertThat(client.getLatest("things-value").version()).isEqualTo(2);
  }

  @Test
  void shouldTestCompatibilityWithoutRegistering() throws Exception {
    client.register("things-value", THING_V1);

    Reply compatible =
        post("/compatibility/subjects/things-value/versions/latest", schemaBody(THING_V2));
    Reply incompatible =
        post(
            "/compatibility/subjects/things-value/versions/1?verbose=true",
            schemaBody(THING_REQUIRED_B));

    assertThat(compatible.body.get("is_compatible").asBoolean()).isTrue();
    assertThat(incompatible.body.get("is_compatible").asBoolean()).isFalse();
    assertThat(incompatible.body.get("messages").toString())
        .contains("READER_FIELD_MISSING_DEFAULT");
    assertThat(client.getLatest("things-value").version()).isEqualTo(1);
  }

  @Test
  void shouldKeepIdsVersionsAndConfigAcrossRestart() {
    int thingId = client.register("things-value", THING_V1);
    int flowId = client.register("flows-value", FlowEvent.getClassSchema());
    client.register("things-value", THING_V2);
    client.setCompatibility("flows-value", CompatibilityLevel.FULL_TRANSITIVE);
    client.setCompatibility(CompatibilityLevel.FORWARD);
    registry.close();

    EmbeddedSchemaRegistry restarted = startRegistry(registryTopic);
    RestSchemaRegistryClient after = new RestSchemaRegistryClient(restarted.url());

    assertThat(after.getById(thingId)).isEqualTo(THING_V1);
    assertThat(after.getById(flowId)).isEqualTo(FlowEvent.getClassSchema());
    assertThat(after.getVersion("things-value", 2).schema()).isEqualTo(THING_V2);
    assertThat(after.lookup("flows-value", FlowEvent.getClassSchema()).id()).isEqualTo(flowId);
    assertThat(after.getCompatibility("flows-value")).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
    assertThat(after.getCompatibility()).isEqualTo(CompatibilityLevel.FORWARD);
    int callId = after.register("calls-value", CallRecord.getClassSchema());
    assertThat(callId)
        .as("ids continue after the highest")
        .isGreaterThan(Math.max(thingId, flowId) + 0)
        .isEqualTo(4);
  }

  @Test
  void shouldCarryRecordsThroughKafkaWithSerdesConfiguredByProperties() throws Exception {
    String topic = "flows-" + UUID.randomUUID();
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin
          .createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    Map<String, Object> serdeConfig =
        Map.of(SerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
    List<FlowEvent> events = SampleRecords.flowEventsOfEveryPayloadType();
    Map<String, Object> producerConfig =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            AvroSerializer.class,
            SerdeConfig.SCHEMA_REGISTRY_URL_CONFIG,
            registry.url());
    try (KafkaProducer<String, FlowEvent> producer = new KafkaProducer<>(producerConfig)) {
      for (FlowEvent event : events) {
        producer
            .send(new ProducerRecord<>(topic, event.getFlowId().toString(), event))
            .get(30, TimeUnit.SECONDS);
      }
    }

    List<FlowEvent> read = new ArrayList<>();
    Map<String, Object> consumerConfig =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "registry-test-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            StringDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            AvroDeserializer.class,
            SerdeConfig.SCHEMA_REGISTRY_URL_CONFIG,
            registry.url(),
            SerdeConfig.SPECIFIC_AVRO_READER_CONFIG,
            true);
    try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(consumerConfig)) {
      consumer.assign(List.of(new TopicPartition(topic, 0)));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (read.size() < events.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, Object> record : consumer.poll(Duration.ofMillis(200))) {
          read.add((FlowEvent) record.value());
        }
      }
    }

    assertThat(read).containsExactlyElementsOf(events);
    Serde<FlowEvent> serde = AvroSerdes.specific(FlowEvent.class, serdeConfig, false);
    assertThat(
            serde
                .deserializer()
                .deserialize(topic, serde.serializer().serialize(topic, events.get(2))))
        .isEqualTo(events.get(2));
    assertThat(client.subjects()).containsExactly(topic + "-value");
  }

  private String cleanupPolicy(String topic) {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
      return config.get("cleanup.policy").value();
    } catch (Exception e) {
      throw new AssertionError("Cannot describe topic " + topic, e);
    }
  }

  private record Reply(int status, String contentType, JsonNode body) {}

  private void assertError(Reply reply, int status, int errorCode) {
    assertThat(reply.status).as("HTTP status of %s", reply.body).isEqualTo(status);
    assertThat(reply.contentType).isEqualTo(CONTENT_TYPE);
    assertThat(reply.body.get("error_code").asInt())
        .as("error_code of %s", reply.body)
        .isEqualTo(errorCode);
    assertThat(reply.body.get("message").asText()).isNotBlank();
  }

  private String schemaBody(Schema schema) {
    return json.createObjectNode().put("schema", schema.toString()).toString();
  }

  private Reply get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(registry.url() + path)).GET());
  }

  private Reply post(String path, String body) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(registry.url() + path))
            .header("Content-Type", CONTENT_TYPE)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private Reply put(String path, String body) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(registry.url() + path))
            .header("Content-Type", CONTENT_TYPE)
            .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  private Reply send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(""),
        json.readTree(response.body()));
  }

  private static Schema thing(String... fields) {
    return new Schema.Parser()
        .parse(
            "{\"type\":\"record\",\"name\":\"Thing\",\"namespace\":\"test\",\"fields\":["
                + String.join(",", fields)
                + "]}");
  }
}

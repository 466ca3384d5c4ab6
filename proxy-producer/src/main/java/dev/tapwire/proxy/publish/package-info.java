/**
 * Publishing captured flow events to Kafka: {@link dev.tapwire.proxy.publish.KafkaFlowPublisher}
 * (the {@link dev.tapwire.proxy.capture.FlowEventSink} the proxy hands events to), its settings
 * {@link dev.tapwire.proxy.publish.PublisherConfig}, and the spool fallback that keeps capture
 * going, in order, while Kafka is down.
 */
package dev.tapwire.proxy.publish;

package dev.tapwire.proxy.server;

import dev.tapwire.proxy.capture.FlowRecorder;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.util.concurrent.TimeUnit;

/** State of one HTTP exchange (one flow) on a client connection. Event-loop confined. */
final class Exchange {
  final FlowRecorder recorder;
  final HttpRequest request;
  final Target target;
  final long startNanos;
  Long connectMicros;
  Long tlsMicros;
  Long firstByteMicros;
  HttpResponse response;
  boolean requestComplete;
  boolean responseStarted;
  boolean responseComplete;
  boolean informational;

  boolean finished;

  Exchange(FlowRecorder recorder, HttpRequest request, Target target, long startNanos) {
    this.recorder = recorder;
    this.request = request;
    this.target = target;
    this.startNanos = startNanos;
  }

  long elapsedMicros() {
    return TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - startNanos);
  }

  FlowRecorder.Timings timings() {
    return new FlowRecorder.Timings(connectMicros, tlsMicros, firstByteMicros, elapsedMicros());
  }
}

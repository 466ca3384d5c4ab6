package dev.tapwire.processor.provider;

import dev.tapwire.avro.Operation;

/**
 * Anything that is not a known LLM API operation: recorded with its HTTP facts only (plus an error
 * body's type and message, when the body has the common error shape).
 */
final class OtherParser implements ProviderParser {
  private final String provider;
  private final Operation operation;

  OtherParser(String provider, Operation operation) {
    this.provider = provider;
    this.operation = operation;
  }

  @Override
  public String provider() {
    return provider;
  }

  @Override
  public Operation operation() {
    return operation;
  }
}

package dev.tapwire.serde;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent wire format: byte 0 is the magic byte 0, bytes 1–4 the schema id as a big-endian
 * 32-bit integer, the rest the Avro binary encoding of the datum (Confluent documentation, "Wire
 * format").
 */
public final class WireFormat {
  /** The only magic byte defined. */
  public static final byte MAGIC_BYTE = 0;

  /** Length of magic byte plus schema id, in bytes. */
  public static final int HEADER_LENGTH = 5;

  private WireFormat() {}

  /**
   * Reads the schema id of a framed message.
   *
   * @throws SerializationException if the message is shorter than the header or the magic byte is
   *     not 0
   */
  public static int schemaId(byte[] message) {
    if (message.length < HEADER_LENGTH) {
      throw new SerializationException(
          "Not Confluent wire format: "
              + message.length
              + " bytes, fewer than the 5-byte header (magic byte + schema id)");
    }
    if (message[0] != MAGIC_BYTE) {
      throw new SerializationException(
          "Unknown magic byte " + (message[0] & 0xff) + " (expected 0, Confluent wire format)");
    }
    return ByteBuffer.wrap(message, 1, 4).getInt();
  }
}

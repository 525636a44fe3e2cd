package io.acquire.services.storage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * A file's two checksums, as lowercase hex: its SHA-256, which listings show and uploads
 * are checked against, and its CRC32C, which downloads are checked against (hardware
 * accelerated, so checking costs a download almost nothing, where SHA-256 cost the client
 * about 0.6 CPU seconds per GiB). {@code crc32c} is null for versions stored before it was
 * recorded.
 */
record FileSums(String sha256, String crc32c) {
  /** Both checksums over bytes fed in order. */
  static final class Hasher {
    private final MessageDigest sha256;
    private final CRC32C crc32c = new CRC32C();

    Hasher() {
      try {
        sha256 = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is required by every JVM", e);
      }
    }

    void update(byte[] bytes, int offset, int length) {
      sha256.update(bytes, offset, length);
      crc32c.update(bytes, offset, length);
    }

    void update(byte[] bytes) {
      update(bytes, 0, bytes.length);
    }

    FileSums finish() {
      return new FileSums(HexFormat.of().formatHex(sha256.digest()), crc32cHex(crc32c.getValue()));
    }
  }

  /** A CRC32C's value as the 8 hex digits of its 4 big-endian bytes. */
  static String crc32cHex(long value) {
    return String.format("%08x", value);
  }
}

package io.acquire.client;

import com.google.crypto.tink.prf.PrfSet;
import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The bytes of one encrypted file version, as the store holds them: the plaintext cut into
 * chunks of {@link #PLAIN_CHUNK} bytes, each encrypted as its own Tink streaming AEAD
 * (AES256-GCM-HKDF, 1 MiB segments; {@link SegmentedEncryption} writes Tink's format, Tink
 * reads it) and prefixed by the file's header, so that every
 * stored chunk is exactly {@link #CHUNK} bytes (8 MiB; the last one shorter). A chunk can
 * be sent, resent and fetched by byte range on its own, which keeps uploads resumable and
 * reads ranged.
 *
 * <p>Security guarantees: the file's key is derived (Tink PRF) from the drive's data key of
 * the header's generation, the drive, the path and the file id, so a chunk moved to another
 * file, path or drive does not decrypt. Each chunk's associated data is the header, its index
 * and the number of chunks, so chunks cannot be reordered, dropped, duplicated or mixed with
 * another file's, and the segments' nonces mark the last one, so a cut within a chunk is
 * detected too: any change is an error, never
 * plaintext. Not hidden: the file's size (to within a chunk's overhead), its path and when
 * it was written.
 */
final class EncryptedFormat {
  /** What the store holds per chunk, header included: the plain drives' default chunk. */
  static final int CHUNK = 8 * 1024 * 1024;
  static final int HEADER = 128;
  static final int SEGMENT = 1 << 20;
  private static final byte[] MAGIC = "ACQE".getBytes(StandardCharsets.US_ASCII);
  private static final byte FORMAT = 1;
  /** Any instance answers sizes alike; this one's key is never used. */
  private static final AesGcmHkdfStreaming TINK_SIZES = streaming(new byte[32]);
  /** The most plaintext whose Tink ciphertext fits a chunk beside the header. */
  static final int PLAIN_CHUNK = plainChunk();

  private EncryptedFormat() {}

  /**
   * The header every chunk of a version starts with, in clear.
   *
   * @param fileId the upload's id (unique per version), which the file's key is derived from
   */
  record Header(int generation, long plainSize, String fileId) {
    byte[] bytes() {
      byte[] id = fileId.getBytes(StandardCharsets.UTF_8);
      if (id.length > HEADER - 18) {
        throw new IllegalArgumentException("File id too long for the header: " + id.length + " bytes.");
      }
      ByteBuffer header = ByteBuffer.allocate(HEADER);
      header.put(MAGIC).put(FORMAT).putInt(generation).putLong(plainSize).put((byte) id.length).put(id);
      return header.array();
    }

    /** The header at the start of {@code bytes}; empty-handed callers get a sentence, not garbage. */
    static Header parse(byte[] bytes, String what) {
      ByteBuffer header = ByteBuffer.wrap(bytes, 0, Math.min(bytes.length, HEADER));
      if (bytes.length < HEADER || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
          || bytes[MAGIC.length] != FORMAT) {
        throw new InvalidResponseException(200, what + " is not an encrypted file of this SDK's format (it was not "
            + "written to an encrypted drive by the SDK, or it was damaged); nothing was written.", null);
      }
      header.position(MAGIC.length + 1);
      int generation = header.getInt();
      long plainSize = header.getLong();
      int idLength = header.get() & 0xff;
      if (generation < 1 || plainSize < 0 || idLength == 0 || idLength > HEADER - 18) {
        throw new InvalidResponseException(200, what + " has a damaged encryption header; nothing was written.", null);
      }
      byte[] id = new byte[idLength];
      header.get(id);
      return new Header(generation, plainSize, new String(id, StandardCharsets.UTF_8));
    }

    long chunks() {
      return Math.max(1, (plainSize + PLAIN_CHUNK - 1) / PLAIN_CHUNK);
    }

    int plainLength(long n) {
      return (int) Math.min(PLAIN_CHUNK, plainSize - n * PLAIN_CHUNK);
    }

    /** The stored size of chunk {@code n}. */
    int chunkLength(long n) {
      return HEADER + (int) TINK_SIZES.expectedCiphertextSize(plainLength(n));
    }

    long cipherSize() {
      long chunks = chunks();
      return (chunks - 1) * CHUNK + chunkLength(chunks - 1);
    }

    byte[] associatedData(long n) {
      return ByteBuffer.allocate(HEADER + 16).put(bytes()).putLong(n).putLong(chunks()).array();
    }
  }


  private static AesGcmHkdfStreaming streaming(byte[] fileKey) {
    try {
      return new AesGcmHkdfStreaming(fileKey, "HmacSha256", 32, SEGMENT, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES256-GCM-HKDF streaming is unavailable: " + e.getMessage(), e);
    }
  }

  private static int plainChunk() {
    int low = 0;
    int high = CHUNK;
    while (low < high) { // the largest plaintext whose ciphertext fits: sizes grow with the plaintext
      int middle = (low + high + 1) >>> 1;
      if (HEADER + TINK_SIZES.expectedCiphertextSize(middle) <= CHUNK) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return low;
  }

  /** The 32-byte key of one file version; also what a link to it carries after {@code #}. */
  static byte[] fileKey(PrfSet dataKey, String drive, String path, String fileId) {
    byte[] input = ("acquire encrypted file v1\0" + drive + "\0" + path + "\0" + fileId)
        .getBytes(StandardCharsets.UTF_8);
    try {
      return dataKey.computePrimary(input, 32);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot derive a file key: " + e.getMessage(), e);
    }
  }

  /** Encrypts and decrypts one file's chunks. */
  static final class FileCipher {
    private final Header header;
    private final byte[] headerBytes;
    private final byte[] fileKey;
    private final String what;

    FileCipher(Header header, byte[] fileKey, String what) {
      this.header = header;
      this.headerBytes = header.bytes();
      this.fileKey = fileKey.clone();
      this.what = what;
    }

    Header header() {
      return header;
    }

    /**
     * Encrypts chunk {@code n}, whose plaintext {@code plain} supplies, into {@code out}
     * (at least {@link #CHUNK} bytes); returns the chunk's length. The ciphertext is Tink's
     * format, written by {@link SegmentedEncryption} (see there why not by Tink).
     */
    int encrypt(long n, PlainSource plain, byte[] out) throws IOException {
      System.arraycopy(headerBytes, 0, out, 0, HEADER);
      int length = header.plainLength(n);
      SegmentedEncryption encrypting = new SegmentedEncryption(fileKey, header.associatedData(n), SEGMENT, length,
          out, HEADER);
      plain.copy(n * PLAIN_CHUNK, length, encrypting);
      encrypting.close();
      return encrypting.end();
    }

    /**
     * Decrypts stored chunk {@code n} ({@code length} bytes of {@code in}) into {@code out};
     * returns the plaintext's length.
     *
     * @throws InvalidResponseException if the chunk is not this file's, in this place, unchanged
     */
    int decrypt(long n, byte[] in, int length, byte[] out) {
      checkFrame(n, in, length);
      // Straight from the received bytes into {@code out}; see SegmentedEncryption#decrypt for why not Tink's.
      try {
        return checkLength(n, SegmentedEncryption.decrypt(fileKey, header.associatedData(n), SEGMENT, in, HEADER,
            length - HEADER, out));
      } catch (GeneralSecurityException | RuntimeException e) {
        throw e instanceof InvalidResponseException invalid ? invalid : tampered(n, e);
      }
    }

    /**
     * Decrypts stored chunk {@code n} segment by segment into {@code segment} (at least
     * {@link #SEGMENT} bytes), handing each segment's plaintext to {@code sink} once it has
     * checked ({@link SegmentedEncryption#decryptSegments}); returns the plaintext's length. A chunk that fails may have handed on its first segments, each authentic: the
     * caller writes where a failure is discarded whole.
     *
     * @throws InvalidResponseException if the chunk is not this file's, in this place, unchanged
     * @throws IOException as {@code sink} throws it
     */
    int decryptSegments(long n, byte[] in, int length, byte[] segment, SegmentedEncryption.Plaintext sink)
        throws IOException {
      checkFrame(n, in, length);
      try {
        return checkLength(n, SegmentedEncryption.decryptSegments(fileKey, header.associatedData(n), SEGMENT, in,
            HEADER, length - HEADER, segment, sink));
      } catch (GeneralSecurityException | RuntimeException e) {
        throw e instanceof InvalidResponseException invalid ? invalid : tampered(n, e);
      }
    }

    private void checkFrame(long n, byte[] in, int length) {
      if (length != header.chunkLength(n) || !Arrays.equals(in, 0, HEADER, headerBytes, 0, HEADER)) {
        throw tampered(n, null);
      }
    }

    private int checkLength(long n, int plain) {
      if (plain != header.plainLength(n)) {
        throw tampered(n, null);
      }
      return plain;
    }

    /** The cipher's own reason is left out: it says no more than that authentication failed. */
    private InvalidResponseException tampered(long n, Exception cause) {
      return new InvalidResponseException(200, "Chunk " + n + " of " + what + " failed its integrity check (it was "
          + "changed, damaged, moved or cut in the store); nothing was written.", null);
    }
  }

  /** Where a chunk's plaintext comes from: a file, or bytes in memory. */
  @FunctionalInterface
  interface PlainSource {
    void copy(long position, int length, OutputStream to) throws IOException;
  }
}

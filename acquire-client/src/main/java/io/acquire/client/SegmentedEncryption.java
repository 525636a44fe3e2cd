package io.acquire.client;

import com.google.crypto.tink.subtle.Hkdf;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Writes, into an array, the ciphertext of Tink's streaming AEAD AES256-GCM-HKDF (HKDF-SHA256,
 * no first-segment offset) exactly as Tink's {@code AesGcmHkdfStreaming} writes it, so that
 * Tink's decrypter reads it and nothing about the stored format changes: a header (its
 * length, a random salt, a random nonce prefix), then
 * segments, each AES-GCM under the key HKDF derives from the file's key, the salt and the
 * associated data, with the nonce prefix, the segment's number and whether it is the last as
 * the nonce.
 *
 * <p>Why not Tink's own encrypting stream: it hands the JDK's AES-GCM a whole 1 MiB segment
 * per call, eight calls per chunk, too few for the JIT to compile the JDK's callers of its
 * AES-GCM and GHASH intrinsics; a fresh JVM encrypted at about 12 CPU s per GiB for the first
 * 256 MiB and beyond (measured), a quarter of an upload's budget. Fed in {@link #PIECE}s,
 * the same cipher is compiled with its intrinsics after 3 to 5 chunks (24 to 40 MiB) and
 * then costs about 0.4 s per GiB. Writing straight into the chunk also saves Tink's two
 * copies of each byte. {@link #decrypt} reads the format for the same reason.
 */
final class SegmentedEncryption extends OutputStream {
  /** Small enough that the cipher is called often enough to be compiled, large enough for its parallel intrinsic. */
  private static final int PIECE = 8 * 1024;
  private static final int KEY_SIZE = 32;
  private static final int NONCE_PREFIX = 7;
  private static final int TAG = 16;
  /** Tink's header: its own length, the salt, the nonce prefix. */
  static final int HEADER = 1 + KEY_SIZE + NONCE_PREFIX;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Cipher cipher;
  private final SecretKeySpec key;
  private final byte[] noncePrefix = new byte[NONCE_PREFIX];
  private final int segmentSize;
  private final long plainLength;
  private final int lastSegment;
  private final byte[] out;
  private int at;
  private long consumed;
  private int segment;
  private int segmentLeft = -1; // -1: no segment begun

  /**
   * Starts a ciphertext of {@code plainLength} bytes of plaintext at {@code out[offset]}: the
   * header is written at once, the segments as the plaintext is {@link #write written}.
   *
   * @param segmentSize the ciphertext segment size, as Tink's {@code ciphertextSegmentSize}
   */
  SegmentedEncryption(byte[] fileKey, byte[] associatedData, int segmentSize, long plainLength, byte[] out,
      int offset) {
    this.segmentSize = segmentSize;
    this.plainLength = plainLength;
    this.lastSegment = lastSegment(plainLength, segmentSize);
    this.out = out;
    byte[] salt = new byte[KEY_SIZE];
    RANDOM.nextBytes(salt);
    RANDOM.nextBytes(noncePrefix);
    try {
      key = segmentKey(fileKey, salt, associatedData);
      cipher = Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES256-GCM-HKDF is unavailable: " + e.getMessage(), e);
    }
    out[offset] = HEADER;
    System.arraycopy(salt, 0, out, offset + 1, KEY_SIZE);
    System.arraycopy(noncePrefix, 0, out, offset + 1 + KEY_SIZE, NONCE_PREFIX);
    at = offset + HEADER;
  }

  /** The index of the last segment: the first holds less plaintext, the header sharing its room. */
  private static int lastSegment(long plainLength, int segmentSize) {
    long first = segmentSize - HEADER - TAG;
    return plainLength <= first ? 0 : Math.toIntExact(1 + (plainLength - first - 1) / (segmentSize - TAG));
  }

  /** Where the ciphertext ends so far in the array. */
  int end() {
    return at;
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    if (consumed + len > plainLength) {
      throw new IllegalStateException("More plaintext than the " + plainLength + " bytes announced.");
    }
    try {
      while (len > 0) {
        if (segmentLeft <= 0) {
          begin();
        }
        int take = Math.min(len, segmentLeft);
        for (int done = 0; done < take; ) {
          int piece = Math.min(PIECE, take - done);
          at += cipher.update(b, off + done, piece, out, at);
          done += piece;
        }
        off += take;
        len -= take;
        consumed += take;
        segmentLeft -= take;
        if (segmentLeft == 0) {
          at += cipher.doFinal(out, at); // the segment's tag
          segment++;
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot encrypt: " + e.getMessage(), e);
    }
  }

  /** Ends the ciphertext; the plaintext must have been written whole. */
  @Override
  public void close() {
    if (consumed != plainLength) {
      throw new IllegalStateException("Only " + consumed + " of the " + plainLength + " bytes announced were written.");
    }
    if (plainLength == 0) { // one empty segment, marked last, as Tink writes
      try {
        begin();
        at += cipher.doFinal(out, at);
        segment++;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("Cannot encrypt: " + e.getMessage(), e);
      }
    }
  }

  /** Where a segment's plaintext goes once its tag has checked. */
  @FunctionalInterface
  interface Plaintext {
    void accept(byte[] bytes, int offset, int length) throws java.io.IOException;
  }

  /**
   * Decrypts a whole ciphertext in this format ({@code length} bytes of {@code in} from
   * {@code offset}, as this class or Tink writes it) into {@code out} from 0 and returns the
   * plaintext's length. Plaintext counts only if every segment's tag checks: otherwise an
   * {@link AEADBadTagException}, with what was written to {@code out} cleared.
   *
   * <p>Why not Tink's segment decrypter: the JDK's AES-GCM decryption must check a tag before
   * it gives out any plaintext, so it takes a whole 1 MiB segment per call, and a fresh JVM
   * decrypted at about 16 CPU s per GiB for its first 768 MiB (measured) before the JIT
   * compiled the callers of its AES and GHASH intrinsics. Here, in {@link #PIECE}s, each
   * segment is decrypted with AES-CTR from GCM's first counter (the nonce, then 2), and its
   * tag recomputed by encrypting that plaintext again with AES-GCM under the same key and
   * nonce: that gives back the same ciphertext, hence GCM's tag over it, which must equal the
   * stored one (compared in constant time). Both ciphers are compiled with their intrinsics
   * after a few MiB; warm, it costs what the JDK's decryption does. (The second AES pass is
   * cheap: AES-CTR costs 0.06 CPU s per GiB warm, GHASH most of the 0.2 the recomputation
   * takes; GHASH alone, through the JDK's AES-GCM over the ciphertext as associated data,
   * cost more, 0.4 s, since the JDK copies associated data into a buffer of its own.)
   */
  static int decrypt(byte[] fileKey, byte[] associatedData, int segmentSize, byte[] in, int offset, int length,
      byte[] out) throws GeneralSecurityException {
    try {
      return decrypt(fileKey, associatedData, segmentSize, in, offset, length, out, null);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e); // no sink, nothing to write
    }
  }

  /**
   * As {@link #decrypt(byte[], byte[], int, byte[], int, int, byte[])}, but segment by
   * segment: each segment's plaintext is written to {@code segment} (at least
   * {@code segmentSize} bytes, reused) and handed to {@code sink} once its tag has checked,
   * never before, while it is still in the processor's cache. A segment that fails is
   * cleared and nothing more is handed on; the segments handed on before it were each
   * authentic. (Not in place: the JDK's AES-CTR copies its input first when it is its
   * output, 1.5 GiB of garbage per GiB, measured.)
   */
  static int decryptSegments(byte[] fileKey, byte[] associatedData, int segmentSize, byte[] in, int offset,
      int length, byte[] segment, Plaintext sink) throws GeneralSecurityException, java.io.IOException {
    return decrypt(fileKey, associatedData, segmentSize, in, offset, length, segment, Objects.requireNonNull(sink));
  }

  /** Into {@code out} from 0, or (with a {@code sink}) each segment into {@code out} from 0 and on to {@code sink}. */
  private static int decrypt(byte[] fileKey, byte[] associatedData, int segmentSize, byte[] in, int offset,
      int length, byte[] out, Plaintext sink) throws GeneralSecurityException, java.io.IOException {
    int end = offset + length;
    if (length < HEADER + TAG || in[offset] != HEADER) {
      throw new AEADBadTagException("not a ciphertext of this format");
    }
    byte[] noncePrefix = Arrays.copyOfRange(in, offset + 1 + KEY_SIZE, offset + HEADER);
    SecretKeySpec key = segmentKey(fileKey, Arrays.copyOfRange(in, offset + 1, offset + 1 + KEY_SIZE), associatedData);
    Cipher counter = Cipher.getInstance("AES/CTR/NoPadding");
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    byte[] discarded = new byte[PIECE + 2 * TAG]; // the ciphertext again, and the tag
    int at = offset + HEADER;
    int plain = 0;
    try {
      for (int segment = 0; at < end; segment++) {
        int size = Math.min(end - at, segmentSize - (segment == 0 ? HEADER : 0));
        int body = size - TAG;
        int toAt = sink == null ? plain : 0;
        if (body < 0 || toAt + body > out.length) {
          throw new AEADBadTagException("segment " + segment + " is cut short or too long");
        }
        byte[] nonce = nonce(noncePrefix, segment, at + size == end);
        counter.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(
            ByteBuffer.allocate(16).put(nonce).putInt(2).array()));
        gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, nonce));
        for (int done = 0; done < body; ) {
          int piece = Math.min(PIECE, body - done);
          counter.update(in, at + done, piece, out, toAt + done);
          gcm.update(out, toAt + done, piece, discarded, 0);
          done += piece;
        }
        int last = gcm.doFinal(discarded, 0);
        if (!MessageDigest.isEqual(Arrays.copyOfRange(discarded, last - TAG, last),
            Arrays.copyOfRange(in, at + body, at + size))) {
          throw new AEADBadTagException("segment " + segment + " failed its tag");
        }
        if (sink != null) {
          sink.accept(out, 0, body);
        }
        at += size;
        plain += body;
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      // What was written, the failing segment's too.
      Arrays.fill(out, 0, Math.min(out.length, (sink == null ? plain : 0) + segmentSize), (byte) 0);
      throw e;
    }
    return plain;
  }

  private void begin() throws GeneralSecurityException {
    int plainRoom = segmentSize - TAG - (segment == 0 ? HEADER : 0);
    segmentLeft = (int) Math.min(plainRoom, plainLength - consumed);
    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, nonce(noncePrefix, segment,
        segment == lastSegment)));
  }

  private static byte[] nonce(byte[] prefix, int segment, boolean last) {
    return ByteBuffer.allocate(12).put(prefix).putInt(segment).put((byte) (last ? 1 : 0)).array();
  }

  private static SecretKeySpec segmentKey(byte[] fileKey, byte[] salt, byte[] associatedData)
      throws GeneralSecurityException {
    return new SecretKeySpec(Hkdf.computeHkdf("HMACSHA256", fileKey, salt, associatedData, KEY_SIZE), "AES");
  }
}

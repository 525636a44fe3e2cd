package io.acquire.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.crypto.tink.prf.PrfSet;
import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import io.acquire.client.EncryptedFormat.FileCipher;
import io.acquire.client.EncryptedFormat.Header;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EncryptedFormatTest {
  private static final byte[] KEY = new byte[32];

  static {
    new Random(7).nextBytes(KEY);
  }

  private static byte[] plaintext(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  private static int encrypt(FileCipher cipher, byte[] plain, long n, byte[] out) throws Exception {
    return cipher.encrypt(n, (position, count, to) -> to.write(plain, (int) position, count), out);
  }

  @Test
  void aFullChunkFillsEightMibAndSizesAddUp() throws Exception {
    byte[] plain = plaintext(EncryptedFormat.PLAIN_CHUNK + 1000);
    Header header = new Header(3, plain.length, "upload-1");
    FileCipher cipher = new FileCipher(header, KEY, "f");
    byte[] out = new byte[EncryptedFormat.CHUNK];
    assertEquals(EncryptedFormat.CHUNK, encrypt(cipher, plain, 0, out));
    int last = encrypt(cipher, plain, 1, out);
    assertEquals(header.chunkLength(1), last);
    assertEquals(EncryptedFormat.CHUNK + last, header.cipherSize());
    assertEquals(2, header.chunks());
    assertEquals(header, Header.parse(out, "f"), "every chunk starts with the file's header");
  }

  @Test
  void chunksDecryptOnlyInTheirOwnPlaceOfTheirOwnFile() throws Exception {
    byte[] plain = plaintext(EncryptedFormat.PLAIN_CHUNK + 5);
    Header header = new Header(1, plain.length, "upload-2");
    FileCipher cipher = new FileCipher(header, KEY, "f");
    byte[] first = new byte[EncryptedFormat.CHUNK];
    byte[] second = new byte[EncryptedFormat.CHUNK];
    int firstLength = encrypt(cipher, plain, 0, first);
    int secondLength = encrypt(cipher, plain, 1, second);
    byte[] back = new byte[EncryptedFormat.PLAIN_CHUNK];
    assertEquals(EncryptedFormat.PLAIN_CHUNK, cipher.decrypt(0, first, firstLength, back), "a full chunk");
    assertArrayEquals(Arrays.copyOf(plain, EncryptedFormat.PLAIN_CHUNK), back);
    assertEquals(5, cipher.decrypt(1, second, secondLength, back));
    assertArrayEquals(Arrays.copyOfRange(plain, EncryptedFormat.PLAIN_CHUNK, plain.length), Arrays.copyOf(back, 5));

    assertThrows(InvalidResponseException.class, () -> cipher.decrypt(1, first, firstLength, back), "moved");
    FileCipher other = new FileCipher(new Header(1, plain.length, "upload-3"), KEY, "g");
    byte[] foreign = new byte[EncryptedFormat.CHUNK];
    int foreignLength = encrypt(other, plain, 1, foreign);
    assertThrows(InvalidResponseException.class, () -> cipher.decrypt(1, foreign, foreignLength, back),
        "another file's chunk");
    second[secondLength - 1] ^= 1;
    assertThrows(InvalidResponseException.class, () -> cipher.decrypt(1, second, secondLength, back), "changed");
    assertThrows(InvalidResponseException.class, () -> cipher.decrypt(0, first, firstLength - 16, back), "cut");
  }

  @Test
  void anEmptyFileIsOneShortChunk() throws Exception {
    Header header = new Header(1, 0, "empty");
    FileCipher cipher = new FileCipher(header, KEY, "e");
    byte[] out = new byte[EncryptedFormat.CHUNK];
    int length = encrypt(cipher, new byte[0], 0, out);
    assertEquals(header.cipherSize(), length);
    assertEquals(0, cipher.decrypt(0, out, length, new byte[16]));
  }

  /** Tink's own streaming AEAD with the format's parameters: what wrote every chunk before SegmentedEncryption. */
  private static AesGcmHkdfStreaming tink() throws Exception {
    return new AesGcmHkdfStreaming(KEY, "HmacSha256", 32, 1 << 20, 0);
  }

  @Test
  void theSdksCiphertextIsTinksStreamingFormatAtEverySegmentBoundary() throws Exception {
    byte[] aad = "chunk 4 of 9".getBytes(StandardCharsets.UTF_8);
    int first = (1 << 20) - 40 - 16; // the first segment's plaintext, beside Tink's 40-byte header
    int[] sizes = {0, 1, 15, first - 1, first, first + 1, first + (1 << 20) - 16, 3_000_001,
        EncryptedFormat.PLAIN_CHUNK};
    for (int size : sizes) {
      byte[] plain = plaintext(size);
      for (int writes : new int[] {Math.max(1, size), 1000}) { // whole, and in pieces that split GCM blocks
        byte[] out = new byte[EncryptedFormat.CHUNK];
        SegmentedEncryption encrypting = new SegmentedEncryption(KEY, aad, 1 << 20, size, out, 3);
        for (int at = 0; at < size; at += writes) {
          encrypting.write(plain, at, Math.min(writes, size - at));
        }
        encrypting.close();
        assertEquals(3 + tink().expectedCiphertextSize(size), encrypting.end(), "size " + size);
        try (InputStream decrypting = tink().newDecryptingStream(
            new ByteArrayInputStream(out, 3, encrypting.end() - 3), aad)) {
          assertArrayEquals(plain, decrypting.readAllBytes(), "size " + size + " in writes of " + writes);
        }
        try (InputStream decrypting = tink().newDecryptingStream(
            new ByteArrayInputStream(out, 3, encrypting.end() - 3), "another chunk".getBytes(StandardCharsets.UTF_8))) {
          assertThrows(IOException.class, decrypting::readAllBytes, "the associated data is bound");
        }
      }
    }
  }

  @Test
  void theSdkReadsWhatTinkWritesAtEverySegmentBoundaryAndRefusesAnyChange() throws Exception {
    byte[] aad = "chunk 2 of 3".getBytes(StandardCharsets.UTF_8);
    int first = (1 << 20) - 40 - 16;
    for (int size : new int[] {0, 1, first - 1, first, first + 1, first + (1 << 20) - 16, 2_500_000}) {
      byte[] plain = plaintext(size);
      ByteArrayOutputStream stored = new ByteArrayOutputStream();
      stored.write(new byte[] {9, 9}); // the ciphertext need not start the array
      try (OutputStream encrypting = tink().newEncryptingStream(stored, aad)) {
        encrypting.write(plain);
      }
      byte[] cipher = stored.toByteArray();
      int length = cipher.length - 2;
      byte[] out = new byte[size + 1];
      assertEquals(size, SegmentedEncryption.decrypt(KEY, aad, 1 << 20, cipher, 2, length, out), "size " + size);
      assertArrayEquals(plain, Arrays.copyOf(out, size), "size " + size);

      assertThrows(GeneralSecurityException.class, () -> SegmentedEncryption.decrypt(KEY,
          "chunk 3 of 3".getBytes(StandardCharsets.UTF_8), 1 << 20, cipher, 2, length, out), "other associated data");
      assertThrows(GeneralSecurityException.class,
          () -> SegmentedEncryption.decrypt(KEY, aad, 1 << 20, cipher, 2, length - 1, out), "cut by a byte");
      if (length > 1 << 20) {
        assertThrows(GeneralSecurityException.class, () -> SegmentedEncryption.decrypt(KEY, aad, 1 << 20, cipher, 2,
            (1 << 20), out), "cut at the first segment's end: it was not the last");
      }
      // A flipped bit in each segment's first byte (when it has one before its tag) and in its tag's last.
      for (int start = 2 + 40, end = 2 + (1 << 20); start < cipher.length; start = end, end += 1 << 20) {
        int segmentEnd = Math.min(end, cipher.length);
        for (int at : segmentEnd - start > 16 ? new int[] {start, segmentEnd - 1} : new int[] {segmentEnd - 1}) {
          byte[] changed = cipher.clone();
          changed[at] ^= 1;
          Arrays.fill(out, (byte) 7);
          assertThrows(GeneralSecurityException.class,
              () -> SegmentedEncryption.decrypt(KEY, aad, 1 << 20, changed, 2, length, out), "size " + size + ", byte " + at);
          for (int i = 0; i < out.length; i++) {
            if (out[i] != 0 && out[i] != 7) {
              throw new AssertionError("plaintext left in the output at " + i + " after byte " + at + " was changed");
            }
          }
        }
      }
    }
  }

  @Test
  void segmentwiseDecryptionHandsOnOnlySegmentsWhoseTagsCheckedAndRefusesAChangedCiphertextTagOrLength()
      throws Exception {
    byte[] aad = "chunk 0 of 1".getBytes(StandardCharsets.UTF_8);
    int size = 3 * (1 << 20); // four segments, the last short
    byte[] plain = plaintext(size);
    ByteArrayOutputStream stored = new ByteArrayOutputStream();
    try (OutputStream encrypting = tink().newEncryptingStream(stored, aad)) {
      encrypting.write(plain);
    }
    byte[] cipher = stored.toByteArray();
    ByteArrayOutputStream back = new ByteArrayOutputStream();
    byte[] segment = new byte[1 << 20];
    assertEquals(size, SegmentedEncryption.decryptSegments(KEY, aad, 1 << 20, cipher, 0, cipher.length, segment,
        back::write));
    assertArrayEquals(plain, back.toByteArray(), "Tink's plaintext, segment after segment");

    int second = 1 << 20; // where the second segment starts (Tink's header shares the first one's room)
    int[] changes = {second + 5, 2 * second - 1}; // a ciphertext byte of the second segment, its tag's last byte
    for (int at : changes) {
      byte[] changed = cipher.clone();
      changed[at] ^= 1;
      ByteArrayOutputStream handed = new ByteArrayOutputStream();
      assertThrows(GeneralSecurityException.class, () -> SegmentedEncryption.decryptSegments(KEY, aad, 1 << 20,
          changed, 0, changed.length, segment, handed::write), "byte " + at + " changed");
      assertArrayEquals(Arrays.copyOf(plain, second - 40 - 16), handed.toByteArray(),
          "only the first segment, which checked, was handed on (byte " + at + " changed)");
      for (int i = 0; i < segment.length; i++) {
        if (segment[i] != 0) {
          throw new AssertionError("the failing segment's plaintext was left in the buffer at " + i);
        }
      }
    }
    for (int cut : new int[] {1, 16, cipher.length - second}) { // a byte, a tag, all but the first segment
      assertThrows(GeneralSecurityException.class, () -> SegmentedEncryption.decryptSegments(KEY, aad, 1 << 20,
          cipher, 0, cipher.length - cut, segment, (bytes, offset, length) -> { }), "cut by " + cut + " bytes");
    }
  }

  @Test
  void chunksThatTinksOwnStreamEncryptedStillDecrypt() throws Exception {
    byte[] plain = plaintext(EncryptedFormat.PLAIN_CHUNK + 5);
    Header header = new Header(1, plain.length, "written-before");
    FileCipher cipher = new FileCipher(header, KEY, "f");
    byte[] back = new byte[EncryptedFormat.PLAIN_CHUNK];
    for (int n = 0; n < 2; n++) {
      ByteArrayOutputStream stored = new ByteArrayOutputStream();
      stored.write(header.bytes());
      try (OutputStream encrypting = tink().newEncryptingStream(stored, header.associatedData(n))) {
        encrypting.write(plain, n * EncryptedFormat.PLAIN_CHUNK, header.plainLength(n));
      }
      byte[] chunk = Arrays.copyOf(stored.toByteArray(), EncryptedFormat.CHUNK);
      assertEquals(header.chunkLength(n), stored.size());
      int length = cipher.decrypt(n, chunk, stored.size(), back);
      assertArrayEquals(Arrays.copyOfRange(plain, n * EncryptedFormat.PLAIN_CHUNK,
          n * EncryptedFormat.PLAIN_CHUNK + header.plainLength(n)), Arrays.copyOf(back, length));
    }
  }

  @Test
  void fileKeysDifferByDrivePathAndFile() {
    PrfSet key = EncryptionKeyPair.prf(EncryptionKeyPair.newDataKey());
    byte[] a = EncryptedFormat.fileKey(key, "d1", "a.txt", "u1");
    assertArrayEquals(a, EncryptedFormat.fileKey(key, "d1", "a.txt", "u1"));
    assertFalse(Arrays.equals(a, EncryptedFormat.fileKey(key, "d2", "a.txt", "u1")));
    assertFalse(Arrays.equals(a, EncryptedFormat.fileKey(key, "d1", "b.txt", "u1")));
    assertFalse(Arrays.equals(a, EncryptedFormat.fileKey(key, "d1", "a.txt", "u2")));
  }

  @Test
  void aWrappedDataKeyOpensOnlyForItsDriveGenerationAndUser() throws Exception {
    EncryptionKeyPair bob = EncryptionKeyPair.generate();
    var dataKey = EncryptionKeyPair.newDataKey();
    byte[] wrapped = EncryptionKeyPair.wrap(dataKey, bob.publicKeyset(), "d1", 2, "bob");
    byte[] input = {1, 2, 3};
    assertArrayEquals(EncryptionKeyPair.prf(dataKey).computePrimary(input, 32),
        EncryptionKeyPair.prf(bob.unwrap(wrapped, "d1", 2, "bob")).computePrimary(input, 32));
    assertThrows(java.security.GeneralSecurityException.class, () -> bob.unwrap(wrapped, "d2", 2, "bob"));
    assertThrows(java.security.GeneralSecurityException.class, () -> bob.unwrap(wrapped, "d1", 3, "bob"));
    assertThrows(java.security.GeneralSecurityException.class,
        () -> EncryptionKeyPair.generate().unwrap(wrapped, "d1", 2, "bob"), "another private key");
    assertFalse(bob.toString().contains(java.util.HexFormat.of().formatHex(bob.serializeUnsafe())));
  }
}

package io.acquire.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.crypto.tink.prf.PrfSet;
import io.acquire.client.EncryptedFormat.FileCipher;
import io.acquire.client.EncryptedFormat.Header;
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

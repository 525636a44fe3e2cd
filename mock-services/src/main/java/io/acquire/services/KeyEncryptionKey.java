package io.acquire.services;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import io.acquire.client.wire.Base64Url;
import io.acquire.services.store.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Objects;
import java.util.UUID;

/**
 * The key-encryption key: what the backend's secrets at rest (service signing keys, TOTP
 * secrets) are encrypted with before they reach the store. It is a Tink {@link Aead}, so a
 * cloud KMS's key ({@code KmsClient.getAead(uri)}) can stand in for the local keyset with
 * {@link #of(Aead)}.
 *
 * <p>Security guarantees: AES-256-GCM; each secret is bound to the place it is stored (its
 * {@code context}, as associated data), so a ciphertext copied to another user or service
 * does not decrypt. Whoever reads the store without this key learns nothing of the secrets;
 * whoever holds both holds everything.
 */
public final class KeyEncryptionKey {
  /** An environment variable that may hold the master keyset as Tink JSON, instead of a file. */
  public static final String ENVIRONMENT = "ACQUIRE_MASTER_KEY";
  private static final String TEXT_PREFIX = "sealed:v1:";
  private static KeyEncryptionKey processKey;

  static {
    try {
      AeadConfig.register();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Tink's AEAD primitives could not be registered", e);
    }
  }

  private final Aead aead;

  private KeyEncryptionKey(Aead aead) {
    this.aead = Objects.requireNonNull(aead, "aead == null");
  }

  /** Any AEAD, such as a cloud KMS key's. */
  public static KeyEncryptionKey of(Aead aead) {
    return new KeyEncryptionKey(aead);
  }

  /** A master keyset given as Tink JSON (a file's contents, or {@value #ENVIRONMENT}). */
  public static KeyEncryptionKey fromKeysetJson(String json) {
    try {
      KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
      return new KeyEncryptionKey(handle.getPrimitive(RegistryConfiguration.get(), Aead.class));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("The master key is not a Tink AEAD keyset in JSON.");
    }
  }

  /**
   * The master keyset in {@code file}, made (mode 0600) on first use. A file that other
   * users could read or write is refused, with the chmod that fixes it.
   */
  public static KeyEncryptionKey fromFile(Path file) {
    try {
      if (!Files.exists(file)) {
        create(file);
      }
      PrivateFiles.requirePrivate(file);
      return fromKeysetJson(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or create the master key " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes a new keyset beside {@code file} and links it into place, so racing processes agree on one. */
  private static void create(Path file) throws IOException {
    String json;
    try {
      json = TinkJsonProtoKeysetFormat.serializeKeyset(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM),
          InsecureSecretKeyAccess.get());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("A master keyset could not be generated", e);
    }
    Path temp = file.resolveSibling(file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    PrivateFiles.createFile(temp);
    try {
      Files.writeString(temp, json, StandardCharsets.UTF_8);
      try (var channel = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.createLink(file, temp);
    } catch (FileAlreadyExistsException e) {
      // Another process made it first: use theirs.
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** {@value #ENVIRONMENT} if set, else the file (made on first use). */
  public static KeyEncryptionKey fromEnvironmentOrFile(Path file) {
    String json = System.getenv(ENVIRONMENT);
    return json != null && !json.isBlank() ? fromKeysetJson(json) : fromFile(file);
  }

  /**
   * One key for this JVM, made on first use and never written anywhere: for backends
   * over a store the caller supplies without a key, such as tests' in-memory stores.
   */
  public static synchronized KeyEncryptionKey forThisProcess() {
    if (processKey == null) {
      try {
        processKey = new KeyEncryptionKey(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
            .getPrimitive(RegistryConfiguration.get(), Aead.class));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("A key-encryption key could not be generated", e);
      }
    }
    return processKey;
  }

  /** Encrypts {@code secret} for the place named {@code context}, such as its store key. */
  public byte[] seal(byte[] secret, String context) {
    try {
      return aead.encrypt(secret, context.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("The key-encryption key could not encrypt a secret", e);
    }
  }

  /** Decrypts what {@link #seal} made for {@code context}; fails if it was made with another key or for elsewhere. */
  public byte[] open(byte[] sealed, String context) {
    try {
      return aead.decrypt(sealed, context.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("A secret at " + context + " does not decrypt with this backend's master key: "
          + "it was sealed with another key, or for another place.");
    }
  }

  /** {@link #seal} as text ({@code sealed:v1:<base64url>}), for secrets kept in JSON records. */
  public String sealText(String secret, String context) {
    return TEXT_PREFIX + Base64Url.encode(seal(secret.getBytes(StandardCharsets.UTF_8), context));
  }

  /** {@link #open} for {@link #sealText}'s form; text from before secrets were sealed is returned as it is. */
  public String openText(String stored, String context) {
    if (!isSealedText(stored)) {
      return stored;
    }
    return new String(open(Base64Url.decode(stored.substring(TEXT_PREFIX.length())), context), StandardCharsets.UTF_8);
  }

  public static boolean isSealedText(String stored) {
    return stored.startsWith(TEXT_PREFIX);
  }

  @Override
  public String toString() {
    return "KeyEncryptionKey[secret]";
  }
}

package io.acquire.client;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.prf.PrfSet;
import io.acquire.client.internal.Transport;
import io.acquire.client.internal.Transport.Safety;
import io.acquire.client.wire.Base64Url;
import io.acquire.client.wire.EncryptionWire.AddWrappedKeys;
import io.acquire.client.wire.EncryptionWire.DriveKeys;
import io.acquire.client.wire.EncryptionWire.KeyGeneration;
import io.acquire.client.wire.EncryptionWire.PublicKey;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One drive's data keys as this user sees them: the generations storage keeps (each wrapped
 * for its readers), those this user can open, and, for an owner, wrapping for new readers
 * and rotating after a revocation. A drive with no generation is not encrypted.
 */
final class DriveKeyring {
  private final Transport storage;
  private final User user;
  private final String drive;
  private final String owner;
  private volatile List<KeyGeneration> generations;
  private final Map<Integer, KeysetHandle> opened = new ConcurrentHashMap<>();

  private DriveKeyring(Transport storage, User user, String drive, String owner) {
    this.storage = storage;
    this.user = user;
    this.drive = drive;
    this.owner = owner;
    refresh();
  }

  static DriveKeyring fetch(Transport storage, User user, String drive, String owner) {
    return new DriveKeyring(storage, user, drive, owner);
  }

  boolean encrypted() {
    return !generations.isEmpty();
  }

  /**
   * The newest generation as storage has it now: a writer must not use a generation that an
   * owner elsewhere has since replaced after revoking someone.
   */
  int newestNow() {
    refresh();
    return generations.size();
  }

  private void refresh() {
    generations = storage.get(base() + "/keys", DriveKeys.class).generations();
  }

  /** Generation 1, wrapped for this user (the owner): the drive is encrypted from now on. */
  void create() {
    KeysetHandle key = EncryptionKeyPair.newDataKey();
    byte[] publicKey = user.encryptionKeyPair().publicKeyset();
    add(1, Map.of(user.username(), wrapped(key, publicKey, 1, user.username())));
  }

  /** The data key of {@code generation} as a PRF, opened with this user's private key. */
  PrfSet dataKey(int generation) {
    return EncryptionKeyPair.prf(handle(generation));
  }

  private KeysetHandle handle(int generation) {
    KeysetHandle known = opened.get(generation);
    if (known != null) {
      return known;
    }
    if (generation > generations.size() || wrappingFor(generation) == null) {
      refresh(); // shared with this user, or a new generation made, since last fetched
    }
    String wrapped = generation <= generations.size() ? wrappingFor(generation) : null;
    if (wrapped == null) {
      throw new PermissionException(0, "no_key", "You have no key for generation " + generation + " of encrypted "
          + "drive " + drive + ": its data key is wrapped only for the users it was shared with when it was made, and "
          + "a new generation is made whenever someone's access is revoked. Ask " + owner + " to share the drive with "
          + "you (again).", null);
    }
    try {
      KeysetHandle key = user.encryptionKeyPair().unwrap(Base64Url.decode(wrapped), drive, generation,
          user.username());
      opened.put(generation, key);
      return key;
    } catch (GeneralSecurityException e) {
      throw new PermissionException(0, "wrong_key", "The key of encrypted drive " + drive + " wrapped for you does "
          + "not open with the private key in your wallet: it was wrapped for another key pair of yours (made on "
          + "another machine?). Import that key (Wallet.importEncryptionKey), or publish this one "
          + "(user.publishEncryptionKey()) and ask " + owner + " to share the drive with you again.", null);
    }
  }

  private String wrappingFor(int generation) {
    return generations.get(generation - 1).wrappedKey();
  }

  /**
   * Wraps every generation for each of {@code users} who lacks it, so that new readers read
   * old versions too. Users with no published key are skipped unless {@code required}.
   */
  void wrapFor(Collection<String> users, String required) {
    refresh();
    Map<String, byte[]> publicKeys = publicKeys(users, required);
    for (KeyGeneration generation : generations) {
      Set<String> missing = new LinkedHashSet<>(publicKeys.keySet());
      if (generation.readers() != null) {
        missing.removeAll(generation.readers());
      }
      if (missing.isEmpty()) {
        continue;
      }
      KeysetHandle key = handle(generation.generation());
      Map<String, String> wraps = new HashMap<>();
      for (String reader : missing) {
        wraps.put(reader, wrapped(key, publicKeys.get(reader), generation.generation(), reader));
      }
      add(generation.generation(), wraps);
    }
  }

  /** A new generation wrapped for {@code readers} only: versions written from now on are closed to anyone else. */
  void rotate(Collection<String> readers) {
    refresh();
    int next = generations.size() + 1;
    KeysetHandle key = EncryptionKeyPair.newDataKey();
    Map<String, byte[]> publicKeys = publicKeys(readers, null);
    publicKeys.put(user.username(), user.encryptionKeyPair().publicKeyset());
    Map<String, String> wraps = new HashMap<>();
    publicKeys.forEach((reader, publicKey) -> wraps.put(reader, wrapped(key, publicKey, next, reader)));
    add(next, wraps);
    opened.put(next, key);
  }

  private Map<String, byte[]> publicKeys(Collection<String> users, String required) {
    Map<String, byte[]> keys = new HashMap<>();
    for (String reader : new LinkedHashSet<>(users)) {
      try {
        keys.put(reader, Base64Url.decode(storage.get("/encryption-keys/" + URLEncoder.encode(reader,
            StandardCharsets.UTF_8), PublicKey.class).publicKey()));
      } catch (NotFoundException e) {
        if (reader.equals(required)) {
          throw e;
        }
      }
    }
    return keys;
  }

  private String wrapped(KeysetHandle key, byte[] publicKey, int generation, String reader) {
    return Base64Url.encode(EncryptionKeyPair.wrap(key, publicKey, drive, generation, reader));
  }

  private void add(int generation, Map<String, String> wraps) {
    generations = storage.post(base() + "/keys", new AddWrappedKeys(generation, wraps), DriveKeys.class,
        Safety.SAFE).generations();
  }

  private String base() {
    return "/drives/" + URLEncoder.encode(drive, StandardCharsets.UTF_8);
  }
}

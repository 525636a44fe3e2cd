package io.acquire.services;

import io.acquire.client.wire.SigningKey;
import io.acquire.services.store.ObjectStore;
import io.acquire.services.store.StoredObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Each service's Ed25519 signing key, kept in the store so that every process serving
 * the service signs with the same key, encrypted with the {@link KeyEncryptionKey}: the
 * store holds no raw seed. The first process to start creates it; a conditional put makes
 * racing processes agree on one. A raw seed left by an earlier version is sealed in place.
 */
public final class ServiceKeys {
  /** How long a process signs with the key it read before reading it again, to follow a rotation elsewhere. */
  static final Duration REREAD = Duration.ofSeconds(30);
  private static final int SEED_LENGTH = 32;

  private ServiceKeys() {}

  /** The signing key of {@code service}, made on first use. */
  public static SigningKey load(ObjectStore store, KeyEncryptionKey kek, String service) {
    return read(store, kek, signing(service), true)
        .orElseThrow(() -> new IllegalStateException("signing key of " + service + " vanished from the store"));
  }

  /** True if a rotation of {@code service}'s key began and did not finish: {@link #rotate} completes it. */
  static boolean rotationPending(ObjectStore store, String service) {
    return store.get(next(service)).isPresent();
  }

  /**
   * Rotates {@code service}'s key: makes the next key (or takes the one a rotation that
   * stopped half-way made), has {@code publish} list it in the registry as current with the
   * old key still trusted for the grace (publish signs with the old key, the one the
   * registry trusts to change the entry), and only then makes it the key this service signs
   * with. A crash at any point leaves a state the next rotation completes.
   */
  static SigningKey rotate(ObjectStore store, KeyEncryptionKey kek, String service,
      BiConsumer<SigningKey, SigningKey> publish) {
    SigningKey old = load(store, kek, service);
    SigningKey next = read(store, kek, next(service), true)
        .orElseThrow(() -> new IllegalStateException("next signing key of " + service + " vanished from the store"));
    publish.accept(old, next);
    store.put(signing(service), kek.seal(next.exportSeedUnsafe(), signing(service)));
    store.delete(next(service));
    return next;
  }

  /**
   * The key under {@code key}, created first when {@code create} and absent. Sealed with the
   * key's own name as associated data, so a sealed key cannot be passed off as another's.
   */
  private static Optional<SigningKey> read(ObjectStore store, KeyEncryptionKey kek, String key, boolean create) {
    Optional<StoredObject> stored = store.get(key);
    if (stored.isEmpty() && create) {
      store.putIfAbsent(key, kek.seal(SigningKey.generate().exportSeedUnsafe(), key));
      stored = store.get(key);
    }
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    StoredObject object = stored.get();
    if (object.data().length == SEED_LENGTH) {
      // Sealed ciphertexts are longer than a seed (prefix, nonce and tag), so this is an old raw one.
      store.putIfVersion(key, kek.seal(object.data(), key), object.version());
      return Optional.of(SigningKey.fromSeedUnsafe(object.data()));
    }
    return Optional.of(SigningKey.fromSeedUnsafe(kek.open(object.data(), key)));
  }

  /** The key as last read, read again after {@link #REREAD} so that a key rotated by another process is followed. */
  static final class Current implements Supplier<SigningKey> {
    private final ObjectStore store;
    private final KeyEncryptionKey kek;
    private final String service;
    private final Clock clock;
    private volatile SigningKey key;
    private volatile Instant readAt;

    Current(ObjectStore store, KeyEncryptionKey kek, String service, Clock clock) {
      this.store = store;
      this.kek = kek;
      this.service = service;
      this.clock = clock;
      reread();
    }

    @Override
    public SigningKey get() {
      if (!clock.instant().isBefore(readAt.plus(REREAD))) {
        reread();
      }
      return key;
    }

    void reread() {
      key = load(store, kek, service);
      readAt = clock.instant();
    }
  }

  private static String signing(String service) {
    return "keys/" + service + "/signing";
  }

  private static String next(String service) {
    return "keys/" + service + "/next";
  }
}

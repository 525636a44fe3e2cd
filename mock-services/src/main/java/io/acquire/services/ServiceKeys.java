package io.acquire.services;

import io.acquire.client.wire.SigningKey;
import io.acquire.services.store.ObjectStore;
import io.acquire.services.store.StoredObject;
import java.util.Optional;

/**
 * Each service's Ed25519 signing key, kept in the store so that every process serving
 * the service signs with the same key, encrypted with the {@link KeyEncryptionKey}: the
 * store holds no raw seed. The first process to start creates it; a conditional put makes
 * racing processes agree on one. A raw seed left by an earlier version is sealed in place.
 */
public final class ServiceKeys {
  private static final int SEED_LENGTH = 32;

  private ServiceKeys() {}

  /** The signing key of {@code service}, made on first use. */
  public static SigningKey load(ObjectStore store, KeyEncryptionKey kek, String service) {
    String key = "keys/" + service + "/signing";
    Optional<StoredObject> stored = store.get(key);
    if (stored.isEmpty()) {
      store.putIfAbsent(key, kek.seal(SigningKey.generate().exportSeedUnsafe(), key));
      stored = store.get(key);
    }
    StoredObject object = stored.orElseThrow(
        () -> new IllegalStateException("signing key of " + service + " vanished from the store"));
    if (object.data().length == SEED_LENGTH) {
      // Sealed ciphertexts are longer than a seed (prefix, nonce and tag), so this is an old raw one.
      store.putIfVersion(key, kek.seal(object.data(), key), object.version());
      return SigningKey.fromSeedUnsafe(object.data());
    }
    return SigningKey.fromSeedUnsafe(kek.open(object.data(), key));
  }
}

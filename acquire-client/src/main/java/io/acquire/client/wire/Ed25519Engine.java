package io.acquire.client.wire;

import java.security.Provider;
import java.security.Security;

/**
 * Makes Tink's Ed25519 use BoringSSL (through Conscrypt) when it can: Tink picks
 * Conscrypt's implementation when the provider is registered, and its own Java otherwise.
 * Measured here, that signs about 4 times and verifies about 3 times faster, and every
 * request is signed by a client and verified by a service.
 *
 * <p>Conscrypt is added at the lowest priority, so no other algorithm's default changes;
 * where its native library cannot load (an unsupported platform), nothing is registered
 * and Tink's Java implementation is used, with the same results.
 */
final class Ed25519Engine {
  private static final boolean NATIVE = register();

  private Ed25519Engine() {}

  /** Registers Conscrypt once; true if Tink's Ed25519 runs on it from now on. */
  static boolean ensureRegistered() {
    return NATIVE;
  }

  private static boolean register() {
    if (Security.getProvider("Conscrypt") != null) {
      return true;
    }
    try {
      Provider conscrypt = org.conscrypt.Conscrypt.newProvider();
      Security.addProvider(conscrypt);
      return true;
    } catch (LinkageError | RuntimeException e) {
      return false; // no native library for this platform: Tink's Java implementation it is
    }
  }
}

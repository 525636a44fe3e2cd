package io.acquire.services.http;

import io.acquire.services.store.ObjectKeys;

/** Where session state lives in the store, shared by identity (writer) and every verifier (reader). */
public final class SessionKeys {
  private SessionKeys() {}

  /** Present once a session is logged out; verifiers refuse the session from then on. */
  public static String revoked(String sessionId) {
    return "sessions/" + ObjectKeys.segment(sessionId) + "/revoked";
  }

  /** Claimed with a conditional put, so a nonce is accepted once across all processes. */
  public static String nonce(String sessionId, String nonce) {
    return nonces(sessionId) + ObjectKeys.segment(nonce);
  }

  public static String nonces(String sessionId) {
    return "sessions/" + ObjectKeys.segment(sessionId) + "/nonces/";
  }
}

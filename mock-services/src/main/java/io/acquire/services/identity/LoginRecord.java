package io.acquire.services.identity;

import java.time.Instant;

/**
 * A login request as stored at {@code identity/logins/<id>}: RFC 8628's device
 * authorization, from creation to the one poll that collects its certificate.
 *
 * @param userKnown false for a login asked for an unknown username, which can never be approved
 * @param deviceCodeHash SHA-256 of the device code; the code itself is never stored
 * @param status {@code pending}, {@code approved}, {@code denied} or {@code collected}
 * @param failures approval attempts counted so far, each before it was checked (so racing attempts cannot
 *     pass the limit); the one that approves is among them
 */
record LoginRecord(
    String id,
    String username,
    boolean userKnown,
    String sessionKey,
    String deviceName,
    String requesterAddress,
    String userAgent,
    String userCode,
    String deviceCodeHash,
    Instant createdAt,
    Instant expiresAt,
    int interval,
    Instant lastPollAt,
    String status,
    int failures,
    String certificate) {

  static final String PENDING = "pending";
  static final String APPROVED = "approved";
  static final String DENIED = "denied";
  static final String COLLECTED = "collected";

  boolean expired(Instant now) {
    return !now.isBefore(expiresAt);
  }

  LoginRecord polled(Instant at, int newInterval) {
    return new LoginRecord(id, username, userKnown, sessionKey, deviceName, requesterAddress, userAgent, userCode,
        deviceCodeHash, createdAt, expiresAt, newInterval, at, status, failures, certificate);
  }

  LoginRecord withStatus(String newStatus, String newCertificate) {
    return new LoginRecord(id, username, userKnown, sessionKey, deviceName, requesterAddress, userAgent, userCode,
        deviceCodeHash, createdAt, expiresAt, interval, lastPollAt, newStatus, failures, newCertificate);
  }

  /** One more approval attempt counted, before it is checked. */
  LoginRecord attempted() {
    return new LoginRecord(id, username, userKnown, sessionKey, deviceName, requesterAddress, userAgent, userCode,
        deviceCodeHash, createdAt, expiresAt, interval, lastPollAt, status, failures + 1, certificate);
  }
}

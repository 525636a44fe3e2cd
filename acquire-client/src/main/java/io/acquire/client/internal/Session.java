package io.acquire.client.internal;

import io.acquire.client.wire.SessionCertificate;
import io.acquire.client.wire.SigningKey;
import java.time.Instant;

/** A logged-in session: the private key that never leaves this JVM and identity's certificate for it. */
public record Session(SigningKey key, SessionCertificate certificate) {
  public boolean expiredAt(Instant now) {
    return !now.isBefore(certificate.claims().expiresAt());
  }

  @Override
  public String toString() {
    return "Session[" + certificate + "]";
  }
}

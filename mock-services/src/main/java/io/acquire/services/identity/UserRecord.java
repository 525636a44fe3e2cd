package io.acquire.services.identity;

import java.time.Instant;
import java.util.List;

/**
 * A registered person as stored at {@code identity/users/<name>}.
 *
 * @param passwordHash bcrypt, never the password
 * @param totpSecret the Base32 TOTP secret sealed with the key-encryption key ({@code sealed:v1:...}), or
 *     plaintext Base32 in records written before secrets were sealed
 * @param lastTotpStep the newest TOTP step accepted, so no code is accepted twice
 * @param recentFailures when approval attempts for this user were counted (before checking; an approved one
 *     is taken back), for rate limiting
 */
record UserRecord(
    String username,
    String passwordHash,
    String totpSecret,
    Instant createdAt,
    long lastTotpStep,
    List<Instant> recentFailures) {

  UserRecord withTotpStep(long step) {
    return new UserRecord(username, passwordHash, totpSecret, createdAt, step, recentFailures);
  }

  UserRecord withFailures(List<Instant> failures) {
    return new UserRecord(username, passwordHash, totpSecret, createdAt, lastTotpStep, List.copyOf(failures));
  }

  @Override
  public String toString() {
    return "UserRecord[" + username + "]";
  }
}

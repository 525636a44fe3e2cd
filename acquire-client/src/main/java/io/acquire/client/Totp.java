package io.acquire.client;

import java.time.Instant;
import java.util.Objects;

/**
 * An authenticator app in code: the 6-digit codes (RFC 6238, 30-second steps) that approve a
 * login, for scripts, tests and notebooks that play the user's phone.
 *
 * <pre>{@code
 * Totp phone = Totp.fromProvisioningUriUnsafe(user.register(password).provisioningUriUnsafe());
 * ApproveLogin.approve(login.url(), username, password, phone.code());
 * }</pre>
 *
 * <p>Security guarantees: the secret is never part of {@link #toString()}; the factories
 * that take it say so in their names. Whoever holds it can approve logins.
 */
public final class Totp {
  private final io.acquire.client.wire.Totp totp;

  private Totp(io.acquire.client.wire.Totp totp) {
    this.totp = totp;
  }

  /** Reads the secret out of the {@code otpauth://totp/...} URI that {@link Registration} gives. */
  public static Totp fromProvisioningUriUnsafe(String uri) {
    return new Totp(io.acquire.client.wire.Totp.fromProvisioningUriUnsafe(Objects.requireNonNull(uri, "uri == null")));
  }

  /** The secret as authenticator apps show it (Base32). */
  public static Totp fromBase32Unsafe(String base32) {
    return new Totp(io.acquire.client.wire.Totp.fromBase32Unsafe(Objects.requireNonNull(base32, "base32 == null")));
  }

  /** The secret in Base32, as {@code --totp-secret-env} and authenticator apps take it. */
  public String base32SecretUnsafe() {
    return totp.base32SecretUnsafe();
  }

  /** The code for now. */
  public String code() {
    return code(Instant.now());
  }

  /** The code for the 30-second step holding {@code at}. */
  public String code(Instant at) {
    return totp.code(Objects.requireNonNull(at, "at == null"));
  }

  @Override
  public String toString() {
    return "Totp[secret hidden]";
  }
}

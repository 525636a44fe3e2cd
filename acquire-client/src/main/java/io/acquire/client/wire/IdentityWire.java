package io.acquire.client.wire;

import java.time.Instant;

/**
 * Request and response bodies of the identity service ({@code /t/identity}); see
 * {@code docs/protocol.md}. Records that hold a secret redact it from {@code toString()}.
 */
public final class IdentityWire {
  private IdentityWire() {}

  /** {@code POST /users}. */
  public record Register(String username, String password) {
    @Override
    public String toString() {
      return "Register[username=" + username + ", password=<redacted>]";
    }
  }

  /** Answer to {@link Register}: the TOTP provisioning URI ({@code otpauth://totp/...}) holds the secret. */
  public record Registered(String username, String provisioningUri) {
    @Override
    public String toString() {
      return "Registered[username=" + username + ", provisioningUri=<redacted>]";
    }
  }

  /**
   * {@code POST /logins}: start a device-authorization login.
   *
   * @param sessionKey the fresh session public key, base64url Ed25519
   * @param deviceName where the request comes from, as the person will see it on the login page
   */
  public record StartLogin(String username, String sessionKey, String deviceName) {}

  /**
   * Answer to {@link StartLogin} (RFC 8628 section 3.2 in Acquire's JSON style).
   *
   * @param deviceCode the bearer secret the client polls with
   * @param userCode the short code the person compares on the login page
   * @param loginUrl the page to open; it includes the user code
   * @param interval seconds to wait between polls
   */
  public record LoginStarted(String deviceCode, String userCode, String loginUrl, Instant expiresAt, int interval) {
    @Override
    public String toString() {
      return "LoginStarted[userCode=" + userCode + ", loginUrl=" + loginUrl + ", expiresAt=" + expiresAt
          + ", interval=" + interval + "]";
    }
  }

  /** {@code POST /logins/poll}. */
  public record Poll(String deviceCode) {
    @Override
    public String toString() {
      return "Poll[deviceCode=<redacted>]";
    }
  }

  /**
   * Answer to {@link Poll}.
   *
   * @param status one of {@code pending}, {@code slow_down}, {@code approved}, {@code denied}, {@code expired}
   * @param certificate the session certificate, when approved
   * @param interval the new poll interval in seconds, when told to slow down
   */
  public record PollResult(String status, String certificate, Integer interval) {}

  /** {@code GET /whoami} (signed): the caller as the service sees it. */
  public record WhoAmI(String username, String sessionId, String scope, Instant expiresAt) {}
}

package io.acquire.client;

import io.acquire.client.internal.QrCodes;
import java.time.Instant;

/**
 * A login waiting for a person's approval: open {@link #url()} (or scan {@link #qrCodePng()})
 * on a trusted device, check that it shows {@link #userCode()}, and approve with password
 * and authenticator code. Then {@link User#waitForLogin} completes.
 */
public final class LoginRequest {
  private final String url;
  private final String userCode;
  private final Instant expiresAt;
  private final int intervalSeconds;
  private final String deviceCode;

  LoginRequest(String url, String userCode, Instant expiresAt, int intervalSeconds, String deviceCode) {
    this.url = url;
    this.userCode = userCode;
    this.expiresAt = expiresAt;
    this.intervalSeconds = intervalSeconds;
    this.deviceCode = deviceCode;
  }

  /** The login page, with the user code in it. */
  public String url() {
    return url;
  }

  /** The short code the login page shows, to compare with this one, such as {@code WDJB-MJHT}. */
  public String userCode() {
    return userCode;
  }

  public Instant expiresAt() {
    return expiresAt;
  }

  /** The login URL as a QR code, a PNG image of 300×300 pixels. */
  public byte[] qrCodePng() {
    return QrCodes.png(url, QrCodes.DEFAULT_SIZE);
  }

  int intervalSeconds() {
    return intervalSeconds;
  }

  String deviceCode() {
    return deviceCode;
  }

  @Override
  public String toString() {
    return "LoginRequest[" + url + ", code " + userCode + ", expires " + expiresAt + "]";
  }
}

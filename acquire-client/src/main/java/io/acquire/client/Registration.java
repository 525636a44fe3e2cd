package io.acquire.client;

import io.acquire.client.internal.QrCodes;

/**
 * A new account's authenticator set-up: scan {@link #qrCodePng()} into an authenticator
 * app once. The provisioning URI holds the TOTP secret, so keep it out of logs and shared
 * notebooks; {@link #toString()} never shows it.
 */
public final class Registration {
  private final String username;
  private final String provisioningUri;

  Registration(String username, String provisioningUri) {
    this.username = username;
    this.provisioningUri = provisioningUri;
  }

  public String username() {
    return username;
  }

  /** The {@code otpauth://totp/...} URI authenticator apps read. It contains the secret. */
  public String provisioningUriUnsafe() {
    return provisioningUri;
  }

  /** The provisioning URI as a QR code for an authenticator app (PNG, 300×300). */
  public byte[] qrCodePng() {
    return QrCodes.png(provisioningUri, QrCodes.DEFAULT_SIZE);
  }

  @Override
  public String toString() {
    return "Registration[" + username + ", authenticator set-up <hidden>]";
  }
}

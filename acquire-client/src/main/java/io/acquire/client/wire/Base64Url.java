package io.acquire.client.wire;

import java.util.Base64;

/** Unpadded base64url, the one binary-to-text encoding of the protocol. */
public final class Base64Url {
  private Base64Url() {}

  public static String encode(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Decodes, or throws {@link IllegalArgumentException} naming what was wrong. */
  public static byte[] decode(String text) {
    if (text == null) {
      throw new IllegalArgumentException("base64url value is missing");
    }
    try {
      return Base64.getUrlDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not valid base64url: " + e.getMessage());
    }
  }
}

package io.acquire.services.store;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** The key grammar every store enforces, so no key can name a path outside a store. */
public final class ObjectKeys {
  public static final int MAX_LENGTH = 1024;
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._~%-]+");

  private ObjectKeys() {}

  /** Returns {@code key}, or throws {@link IllegalArgumentException} saying what is wrong. */
  public static String check(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("object key is empty");
    }
    if (key.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("object key is longer than " + MAX_LENGTH + " characters");
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || !SEGMENT.matcher(segment).matches()) {
        throw new IllegalArgumentException("object key has an invalid segment: '" + segment + "'");
      }
    }
    return key;
  }

  /** A prefix is a key, or a key followed by {@code /}, or empty for everything. */
  public static String checkPrefix(String prefix) {
    if (prefix == null) {
      throw new IllegalArgumentException("prefix == null");
    }
    if (prefix.isEmpty()) {
      return prefix;
    }
    check(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
    return prefix;
  }

  /**
   * Encodes any text (a username, a file name) as one key segment: percent-encoding of
   * every byte outside {@code [A-Za-z0-9_-]}, so {@code .} and {@code ..} cannot appear.
   */
  public static String segment(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    if (out.length() == 0) {
      throw new IllegalArgumentException("a key segment cannot be empty");
    }
    return out.toString();
  }
}

package io.acquire.services.store;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** The key grammar every store enforces, so no key can name a path outside a store. */
public final class ObjectKeys {
  public static final int MAX_LENGTH = 1024;
  /**
   * The longest segment: a segment becomes a file name (plus a two-character suffix) in the
   * local store, and file systems commonly allow 255 bytes.
   */
  public static final int MAX_SEGMENT_LENGTH = 250;
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._~%-]+");
  /** Marks a segment shortened to a prefix plus a digest; percent-encoding never emits it. */
  private static final char DIGEST_MARK = '~';
  private static final int DIGEST_HEX = 64;

  private ObjectKeys() {}

  /** Returns {@code key}, or throws {@link IllegalArgumentException} saying what is wrong. */
  public static String check(String key) {
    if (key == null) {
      throw new IllegalArgumentException("object key is missing");
    }
    if (key.isEmpty()) {
      throw new IllegalArgumentException("object key is empty");
    }
    if (key.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("object key is longer than " + MAX_LENGTH + " characters");
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || !SEGMENT.matcher(segment).matches()) {
        throw new IllegalArgumentException("object key has an invalid segment: '" + printable(segment)
            + "' (segments are non-empty runs of A-Z a-z 0-9 . _ ~ % -, neither '.' nor '..')");
      }
      if (segment.length() > MAX_SEGMENT_LENGTH) {
        throw new IllegalArgumentException("object key has a segment longer than " + MAX_SEGMENT_LENGTH + " characters");
      }
    }
    return key;
  }

  /** A prefix is a key, or a key followed by {@code /}, or empty for everything. */
  public static String checkPrefix(String prefix) {
    if (prefix == null) {
      throw new IllegalArgumentException("object key prefix is missing");
    }
    if (prefix.isEmpty()) {
      return prefix;
    }
    check(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
    return prefix;
  }

  /**
   * Encodes any non-empty text (a username, a file name) as one valid key segment; distinct
   * texts give distinct segments, and the result is never {@code .} or {@code ..}.
   *
   * <p>Every byte of the text's UTF-8 form outside {@code [A-Za-z0-9_-]} is percent-encoded
   * (an unpaired surrogate is encoded as its own three bytes, as in WTF-8, so it cannot
   * collide with {@code ?} or another surrogate). An encoding longer than
   * {@link #MAX_SEGMENT_LENGTH} is cut and ended with {@code ~} and the SHA-256 of the
   * whole text's bytes, which no plain encoding can end with.
   */
  public static String segment(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("a key segment cannot be made from empty text");
    }
    byte[] bytes = wtf8(text);
    StringBuilder out = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
        out.append((char) c);
      } else {
        out.append('%').append(HEX_UPPER.charAt(c >> 4)).append(HEX_UPPER.charAt(c & 0xf));
      }
    }
    if (out.length() <= MAX_SEGMENT_LENGTH) {
      return out.toString();
    }
    int keep = MAX_SEGMENT_LENGTH - 1 - DIGEST_HEX;
    // Cut before a partial %XX so the readable prefix stays well formed.
    int percent = out.lastIndexOf("%", keep - 1);
    if (percent >= 0 && percent > keep - 3) {
      keep = percent;
    }
    return out.substring(0, keep) + DIGEST_MARK + HexFormat.of().formatHex(sha256(bytes));
  }

  private static final String HEX_UPPER = "0123456789ABCDEF";

  /** UTF-8, except that a lone surrogate is encoded like any other code point instead of as '?'. */
  private static byte[] wtf8(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 8);
    text.codePoints().forEach(cp -> {
      if (cp < 0x80) {
        out.write(cp);
      } else if (cp < 0x800) {
        out.write(0xc0 | (cp >> 6));
        out.write(0x80 | (cp & 0x3f));
      } else if (cp < 0x10000) {
        out.write(0xe0 | (cp >> 12));
        out.write(0x80 | ((cp >> 6) & 0x3f));
        out.write(0x80 | (cp & 0x3f));
      } else {
        out.write(0xf0 | (cp >> 18));
        out.write(0x80 | ((cp >> 12) & 0x3f));
        out.write(0x80 | ((cp >> 6) & 0x3f));
        out.write(0x80 | (cp & 0x3f));
      }
    });
    return out.toByteArray();
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** Control and non-ASCII characters as {@code \\uXXXX}, so a message never carries raw NULs or newlines. */
  private static String printable(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04X", (int) c));
      }
    }
    return out.length() > 80 ? out.substring(0, 80) + "..." : out.toString();
  }
}

package io.acquire.services.storage;

import io.acquire.services.http.ApiException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One byte range of a download, read from a {@code Range} header as RFC 9110 (section 14)
 * says: a header that is not one valid {@code bytes} range (another unit, several ranges, a
 * last position before the first) is ignored and the whole file served; a valid range that
 * starts past the end, a zero suffix, or any range of an empty file is unsatisfiable (416,
 * with {@code Content-Range: bytes *}{@code /size}); a last position past the end stops at
 * the end.
 *
 * @param first the first byte served
 * @param last the last byte served, at least {@code first}
 */
record ByteRange(long first, long last) {
  private static final Pattern SPEC = Pattern.compile("bytes\\s*=\\s*(\\d*)-(\\d*)\\s*", Pattern.CASE_INSENSITIVE);
  /** Positions of more digits are past the end of any file (Long.MAX_VALUE has 19). */
  private static final int MAX_DIGITS = 18;

  /** The range to serve of a file of {@code size} bytes, or null to serve it whole (200). */
  static ByteRange parse(String header, long size) {
    if (header == null) {
      return null;
    }
    Matcher m = SPEC.matcher(header.strip());
    if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      return null;
    }
    String firstText = m.group(1);
    String lastText = m.group(2);
    if (firstText.isEmpty()) {
      // A suffix: the last N bytes.
      long suffix = lastText.length() > MAX_DIGITS ? Long.MAX_VALUE : Long.parseLong(lastText);
      if (suffix == 0 || size == 0) {
        throw unsatisfiable(header, size);
      }
      return new ByteRange(Math.max(0, size - suffix), size - 1);
    }
    long first = firstText.length() > MAX_DIGITS ? Long.MAX_VALUE : Long.parseLong(firstText);
    long last = lastText.isEmpty() || lastText.length() > MAX_DIGITS ? Long.MAX_VALUE : Long.parseLong(lastText);
    if (last < first) {
      return null;
    }
    if (first >= size) {
      throw unsatisfiable(header, size);
    }
    return new ByteRange(first, Math.min(last, size - 1));
  }

  long length() {
    return last - first + 1;
  }

  private static ApiException unsatisfiable(String header, long size) {
    return new ApiException(416, "range_not_satisfiable", "Range " + shorten(header) + " is not within the file's "
        + size + " bytes.");
  }

  /** A hostile header could be long; the error repeats only its start. */
  private static String shorten(String header) {
    return header.length() <= 64 ? header : header.substring(0, 64) + "…";
  }
}

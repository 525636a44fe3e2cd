package io.acquire.services.storage;

import io.acquire.services.http.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The one place file paths are checked and normalised, so no path can leave its drive. */
final class DrivePaths {
  static final int MAX_PATH_BYTES = 1024;
  static final int MAX_SEGMENT_BYTES = 255;

  private DrivePaths() {}

  /** {@code a//b/./c} becomes {@code a/b/c}; anything that could escape or confuse is refused with a 400. */
  static String normalise(String path) {
    if (path == null || path.isBlank()) {
      throw ApiException.badRequest("Field 'path' is required, such as inputs/system.json.");
    }
    if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      throw ApiException.badRequest("Path is longer than " + MAX_PATH_BYTES + " bytes.");
    }
    for (char c : path.toCharArray()) {
      if (c < 0x20 || c == 0x7f) {
        throw ApiException.badRequest("Path contains a control character (such as NUL or a newline).");
      }
    }
    if (path.indexOf('\\') >= 0) {
      throw ApiException.badRequest("Path contains a backslash; separate directories with '/'.");
    }
    if (path.startsWith("/")) {
      throw ApiException.badRequest("Path must be relative to the drive, not start with '/'.");
    }
    List<String> segments = new ArrayList<>();
    for (String segment : path.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        throw ApiException.badRequest("Path must not contain '..': it would leave the drive.");
      }
      if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
        throw ApiException.badRequest("A path segment is longer than " + MAX_SEGMENT_BYTES + " bytes.");
      }
      segments.add(segment);
    }
    if (segments.isEmpty()) {
      throw ApiException.badRequest("Path names no file.");
    }
    return String.join("/", segments);
  }
}

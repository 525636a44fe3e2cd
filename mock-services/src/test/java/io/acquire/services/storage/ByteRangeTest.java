package io.acquire.services.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.acquire.services.http.ApiException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 9110 section 14: which Range headers are served, ignored, or unsatisfiable. */
class ByteRangeTest {
  @ParameterizedTest
  @CsvSource({
      "bytes=0-, 11, 0, 10",
      "bytes=5-, 11, 5, 10",
      "bytes=2-4, 11, 2, 4",
      "bytes=2-400, 11, 2, 10",
      "bytes=-3, 11, 8, 10",
      "bytes=-300, 11, 0, 10",
      "bytes=10-10, 11, 10, 10",
      "BYTES = 1-1, 11, 1, 1",
      "bytes=0-99999999999999999999, 11, 0, 10"})
  void aSatisfiableRangeIsServedWithinTheFile(String header, long size, long first, long last) {
    assertEquals(new ByteRange(first, last), ByteRange.parse(header, size));
  }

  @ParameterizedTest
  @ValueSource(strings = {"bytes=5-2", "bytes=0-1,4-5", "items=0-1", "bytes=a-b", "bytes=-", "bytes 0-1", ""})
  void anInvalidRangeIsIgnored(String header) {
    assertNull(ByteRange.parse(header, 11));
  }

  @ParameterizedTest
  @CsvSource({"bytes=11-, 11", "bytes=99999999999999999999-, 11", "bytes=0-, 0", "bytes=-5, 0", "bytes=-0, 11"})
  void aRangeOutsideTheFileIsUnsatisfiable(String header, long size) {
    ApiException refused = assertThrows(ApiException.class, () -> ByteRange.parse(header, size));
    assertEquals(416, refused.status());
  }
}

package io.acquire.client;

import okhttp3.MediaType;
import okhttp3.RequestBody;

/** A request body of known length and no particular type: a drive's chunk, plain or encrypted. */
abstract class BinaryBody extends RequestBody {
  private static final MediaType BINARY = MediaType.get("application/octet-stream");
  private final long length;

  BinaryBody(long length) {
    this.length = length;
  }

  @Override
  public final MediaType contentType() {
    return BINARY;
  }

  @Override
  public final long contentLength() {
    return length;
  }
}

package io.acquire.services.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A filter that sees every byte it passes on through one method: its single-byte read
 * goes through {@link #read(byte[], int, int)}, so a subclass that hashes or counts the
 * bytes overrides only that.
 */
public abstract class WatchedStream extends FilterInputStream {
  protected WatchedStream(InputStream in) {
    super(in);
  }

  @Override
  public final int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public abstract int read(byte[] buffer, int offset, int length) throws IOException;
}

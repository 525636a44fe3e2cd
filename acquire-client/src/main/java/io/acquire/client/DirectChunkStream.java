package io.acquire.client;

import io.acquire.client.internal.Transport;
import io.acquire.client.wire.StorageWire.DirectDownload;
import io.acquire.client.wire.StorageWire.DirectUrl;
import java.io.IOException;
import java.io.InputStream;
import okhttp3.Response;

/**
 * A version's bytes fetched chunk after chunk straight from the store through the presigned
 * URLs the service gave ({@link DirectDownload}), as one stream. Any failure (a URL that
 * expired, a dropped connection, a chunk cut short) is an {@link IOException} naming the
 * chunk but never its URL, so the caller resumes as from any broken download. The next
 * chunk's request is sent while the current one is read, so its answer is on its way.
 */
final class DirectChunkStream extends InputStream {
  private final Transport storage;
  private final DirectDownload download;
  private int next;
  private Response response;
  private InputStream current;
  private long left;
  /** The next chunk's answer, asked for while the current one is read; null if none is. */
  private java.util.concurrent.CompletableFuture<Response> ahead;

  DirectChunkStream(Transport storage, DirectDownload download) {
    this.storage = storage;
    this.download = download;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    while (current == null || left == 0) {
      if (current != null) {
        closeCurrent();
      }
      if (next >= download.chunks().size()) {
        return -1;
      }
      open(next++);
    }
    int n = current.read(buffer, offset, (int) Math.min(length, left));
    if (n < 0) {
      throw new IOException("chunk " + (next - 1) + " ended " + left + " bytes early");
    }
    left -= n;
    return n;
  }

  private void open(int n) throws IOException {
    long expected = Math.min(download.chunkSize(), download.size() - (long) n * download.chunkSize());
    try {
      response = ahead != null ? ahead.join() : request(n);
    } catch (TransportException e) {
      throw new IOException("cannot fetch chunk " + n + " from the store: " + e.getMessage(), e);
    } catch (java.util.concurrent.CompletionException e) {
      throw new IOException("cannot fetch chunk " + n + " from the store: " + e.getCause().getMessage(), e.getCause());
    } finally {
      ahead = null;
    }
    if (n + 1 < download.chunks().size()) {
      ahead = java.util.concurrent.CompletableFuture.supplyAsync(() -> request(n + 1), r -> {
        Thread thread = new Thread(r, "acquire-download-ahead");
        thread.setDaemon(true);
        thread.start();
      });
    }
    if (!response.isSuccessful()) {
      int status = response.code();
      String code = ChunkPuts.s3Code(response);
      response.close();
      response = null;
      throw new IOException("the store answered HTTP " + status + (code == null ? "" : " " + code) + " for chunk " + n
          + (status == 403 ? " (its URL may have expired)" : ""));
    }
    current = response.body().byteStream();
    left = expected;
  }

  private Response request(int n) {
    DirectUrl url = download.chunks().get(n);
    return storage.direct("GET", url.url(), null, url.headers());
  }

  private void closeCurrent() {
    if (response != null) {
      response.close();
    }
    response = null;
    current = null;
  }

  @Override
  public void close() {
    closeCurrent();
    if (ahead != null) {
      ahead.thenAccept(Response::close); // not read: closed once it comes
      ahead = null;
    }
  }
}

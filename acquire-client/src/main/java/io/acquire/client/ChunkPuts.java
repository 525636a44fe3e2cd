package io.acquire.client;

import io.acquire.client.internal.Transport;
import io.acquire.client.internal.Transport.Safety;
import io.acquire.client.wire.StorageWire;
import io.acquire.client.wire.StorageWire.ChunkSum;
import io.acquire.client.wire.StorageWire.DirectRequest;
import io.acquire.client.wire.StorageWire.DirectUrl;
import io.acquire.client.wire.StorageWire.DirectUrls;
import io.acquire.client.wire.StorageWire.UploadStatus;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Sends one chunk of an upload, the one way plain and encrypted drives share: straight to
 * the store through a presigned URL when the service offers it ({@link UploadStatus#direct}),
 * else through the service. A URL that has expired (403) is asked for again; a lost
 * connection or a store's 5xx is tried again, with a new URL, under the transport's
 * {@link RetryPolicy} (a chunk's PUT is safe to repeat: a second one of the same bytes
 * changes nothing).
 * A URL is asked for before the chunk goes, ideally several at once ({@link #urls}).
 */
final class ChunkPuts {
  /** Asks for a new URL this often when the store refuses one (it expired on the way). */
  private static final int URL_ATTEMPTS = 3;
  private static final Pattern S3_CODE = Pattern.compile("<Code>([A-Za-z]{1,64})</Code>");

  private ChunkPuts() {}

  /** Presigned PUTs for these chunks, in order (one request for up to {@link StorageWire#MAX_DIRECT_BATCH}). */
  static List<DirectUrl> urls(Transport storage, String uploadPath, List<ChunkSum> chunks) {
    return storage.post(uploadPath + "/direct", new DirectRequest(chunks), DirectUrls.class, Safety.SAFE).urls();
  }

  /**
   * @param uploadPath {@code /drives/<drive>/uploads/<upload>}
   * @param given the chunk's URL if one was asked for already (else null: asked for here)
   */
  static void put(Transport storage, String uploadPath, UploadStatus upload, int n, String sha256, DirectUrl given,
      RequestBody body) {
    if (!upload.direct()) {
      storage.stream("PUT", uploadPath + "/chunks/" + n, body, sha256, Safety.SAFE,
          Map.of(StorageWire.CHUNK_SHA256_HEADER, sha256));
      return;
    }
    for (int attempt = 1; ; attempt++) {
      DirectUrl url = attempt == 1 && given != null ? given
          : urls(storage, uploadPath, List.of(new ChunkSum(n, sha256))).get(0);
      int status = 0;
      String code = null;
      TransportException lost = null;
      try (Response response = storage.direct("PUT", url.url(), body, url.headers())) {
        status = response.code();
        code = status / 100 == 2 ? null : s3Code(response);
      } catch (TransportException e) {
        if (Thread.currentThread().isInterrupted()) {
          throw e;
        }
        lost = e; // a store may close the connection as soon as it refuses, before the answer is read
      }
      // 412: the chunk is in the store already (an answer lost on the way); completion checks its bytes.
      if (lost == null && (status / 100 == 2 || status == 412)) {
        return;
      }
      if (status == 403 && attempt < URL_ATTEMPTS) {
        continue; // expired, or the clocks disagree: a new URL
      }
      // A lost connection or a store's 503 SlowDown: again, after the backoff the service's calls wait.
      if ((lost != null || RetryPolicy.isRetryableStatus(status)) && attempt < storage.retry().maxAttempts()) {
        storage.backOff(attempt, null, "chunk " + n + " of upload " + upload.id());
        continue;
      }
      if (lost != null) {
        throw lost;
      }
      throw new InvalidResponseException(status, "The store refused chunk " + n + " of upload " + upload.id()
          + " (HTTP " + status + (code == null ? "" : " " + code) + ")"
          + ("BadDigest".equals(code) ? ": its bytes are not the ones hashed; if the file changed, start a new upload."
              : "."), null);
    }
  }

  /** The S3 error code of a refusal, such as {@code BadDigest}: never the body itself, which may echo the request. */
  static String s3Code(Response response) {
    try {
      Matcher code = S3_CODE.matcher(response.body() == null ? "" : response.body().string());
      return code.find() ? code.group(1) : null;
    } catch (java.io.IOException e) {
      return null;
    }
  }
}

package io.acquire.client;

import io.acquire.client.internal.Transport;
import io.acquire.client.internal.Transport.Safety;
import io.acquire.client.wire.Json;
import io.acquire.client.wire.StorageWire;
import io.acquire.client.wire.StorageWire.DirectUrl;
import io.acquire.client.wire.StorageWire.UploadStatus;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Sends one chunk of an upload, the one way plain and encrypted drives share: straight to
 * the store through a presigned URL when the service offers it ({@link UploadStatus#direct}),
 * else through the service. A URL that has expired (403) is asked for again.
 */
final class ChunkPuts {
  /** Asks for a new URL this often when the store refuses one (it expired on the way). */
  private static final int URL_ATTEMPTS = 3;
  private static final Pattern S3_CODE = Pattern.compile("<Code>([A-Za-z]{1,64})</Code>");

  private ChunkPuts() {}

  /** @param uploadPath {@code /drives/<drive>/uploads/<upload>} */
  static void put(Transport storage, String uploadPath, UploadStatus upload, int n, String sha256, RequestBody body) {
    Map<String, String> announced = Map.of(StorageWire.CHUNK_SHA256_HEADER, sha256);
    if (!upload.direct()) {
      storage.stream("PUT", uploadPath + "/chunks/" + n, body, sha256, Safety.SAFE, announced);
      return;
    }
    for (int attempt = 1; ; attempt++) {
      DirectUrl url = Json.read(storage.call("POST", uploadPath + "/chunks/" + n + "/direct", new byte[0], Safety.SAFE,
          announced).body(), DirectUrl.class);
      int status;
      String code;
      try (Response response = storage.direct("PUT", url.url(), body, url.headers())) {
        status = response.code();
        code = status / 100 == 2 ? null : s3Code(response);
      }
      // 412: the chunk is in the store already (an answer lost on the way); completion checks its bytes.
      if (status / 100 == 2 || status == 412) {
        return;
      }
      if (status == 403 && attempt < URL_ATTEMPTS) {
        continue; // expired, or the clocks disagree: a new URL
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

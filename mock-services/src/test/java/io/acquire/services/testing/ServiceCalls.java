package io.acquire.services.testing;

import io.acquire.client.wire.SigningKey;
import io.acquire.services.KeyEncryptionKey;
import io.acquire.services.ServiceKeys;
import io.acquire.services.http.ServiceSignature;
import io.acquire.services.store.ObjectStore;
import io.acquire.services.testing.TestSessions.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** Calls as one service makes them to another, signed with a key the test chooses: the real one, or a forger's. */
public final class ServiceCalls {
  private static final OkHttpClient HTTP = new OkHttpClient();

  private ServiceCalls() {}

  /**
   * The key {@code service} signs with, as the backend keeps it in {@code store}: sealed with
   * this JVM's key-encryption key, which backends over a store the test supplies use.
   */
  public static SigningKey keyOf(ObjectStore store, String service) {
    return ServiceKeys.load(store, KeyEncryptionKey.forThisProcess(), service);
  }

  /** Sends one signed call, signed at {@code epochSeconds}. {@code path} starts with {@code /t/}. */
  public static Reply send(String serverUrl, String service, SigningKey key, String method, String path, String json,
      long epochSeconds) {
    return signedOnce(serverUrl, service, key, method, path, json, epochSeconds).get();
  }

  /** A call signed once, which each {@code get()} sends again exactly: a replay from the second on. */
  public static Supplier<Reply> signedOnce(String serverUrl, String service, SigningKey key, String method,
      String path, String json, long epochSeconds) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = ServiceSignature.sign(service, key, method, path, body, epochSeconds);
    return () -> send(serverUrl, method, path, body, headers);
  }

  /** Sends {@code body} with {@code headers} as they are, however they were made. */
  public static Reply send(String serverUrl, String method, String path, byte[] body, Map<String, String> headers) {
    Request.Builder request = new Request.Builder().url(serverUrl + path)
        .method(method, method.equals("GET") ? null : RequestBody.create(body, MediaType.get("application/json")));
    headers.forEach(request::header);
    try (Response response = HTTP.newCall(request.build()).execute()) {
      return new Reply(response.code(), response.body().string());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

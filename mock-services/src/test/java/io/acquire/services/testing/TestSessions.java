package io.acquire.services.testing;

import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.ServiceInfo;
import io.acquire.client.wire.SessionCertificate;
import io.acquire.client.wire.SessionClaims;
import io.acquire.client.wire.SigningKey;
import io.acquire.services.registry.RegistryService;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.store.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Signed sessions for service tests that do not need the login flow: stands in for the
 * identity service by registering its own issuer key in the store, then mints
 * certificates with it. Only for backends started without the real identity service.
 */
public final class TestSessions {
  private static final MediaType JSON = MediaType.get("application/json");

  private final SigningKey issuerKey = SigningKey.generate();
  /** Idle connections kept for as many clients as a benchmark runs at once, so none reconnects per request. */
  private final OkHttpClient http = new OkHttpClient.Builder()
      .connectionPool(new okhttp3.ConnectionPool(64, 5, java.util.concurrent.TimeUnit.MINUTES)).build();
  private final String serverUrl;

  /** Registers this fake identity in {@code store}; call before the first signed request. */
  public TestSessions(ObjectStore store, String serverUrl) {
    this.serverUrl = serverUrl;
    RegistryService.publish(new JsonObjects(store),
        new ServiceInfo("identity", serverUrl + "/t/identity", issuerKey.verifyingKey().toBase64Url()));
  }

  public Session login(String username) {
    return login(username, SessionClaims.SCOPE_USER, Duration.ofHours(1));
  }

  public Session login(String username, String scope, Duration lifetime) {
    SigningKey key = SigningKey.generate();
    Instant now = Instant.now();
    SessionClaims claims = new SessionClaims("identity", username, UUID.randomUUID().toString(),
        key.verifyingKey().toBase64Url(), scope, now, now.plus(lifetime));
    return new Session(key, SessionCertificate.issue(claims, issuerKey), serverUrl);
  }

  /** A certificate for a key made elsewhere (another JVM keeps the private half), valid for an hour. */
  public SessionCertificate certify(String username, io.acquire.client.wire.VerifyingKey key) {
    Instant now = Instant.now();
    return SessionCertificate.issue(new SessionClaims("identity", username, UUID.randomUUID().toString(),
        key.toBase64Url(), SessionClaims.SCOPE_USER, now, now.plus(Duration.ofHours(1))), issuerKey);
  }

  /** A session with a certificate from elsewhere (such as a job's, issued by compute), sending to this server. */
  public Session session(SigningKey key, SessionCertificate certificate) {
    return new Session(key, certificate, serverUrl);
  }

  /** A logged-in test user that sends signed requests to the server. */
  public final class Session {
    public final SigningKey key;
    public final SessionCertificate certificate;
    private final String target;

    Session(SigningKey key, SessionCertificate certificate, String target) {
      this.key = key;
      this.certificate = certificate;
      this.target = target;
    }

    /** The same session, sending to another server that shares the store. */
    public Session at(String otherServerUrl) {
      return new Session(key, certificate, otherServerUrl);
    }

    public String username() {
      return certificate.claims().user();
    }

    /** Sends a signed request; {@code path} starts with {@code /t/}. Returns status and body. */
    public Reply send(String method, String path, String jsonBody) {
      byte[] body = jsonBody == null ? null : jsonBody.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      return sendBytes(method, path, body, Map.of());
    }

    /** A request signed once, which each call sends again exactly as it was: a replay from the second call on. */
    public java.util.function.Supplier<Reply> signedOnce(String method, String path, String jsonBody) {
      java.util.function.Function<String, Reply> to = signedOnceTo(method, path, jsonBody);
      return () -> to.apply(target);
    }

    /** {@link #signedOnce}, sent each time to the server URL given: a replay at another process. */
    public java.util.function.Function<String, Reply> signedOnceTo(String method, String path, String jsonBody) {
      byte[] body = jsonBody.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      Map<String, String> headers = RequestSignature.sign(key, certificate, method, path, body,
          Instant.now().getEpochSecond());
      return server -> {
        Request.Builder request = new Request.Builder().url(server + path).method(method, RequestBody.create(body, JSON));
        headers.forEach(request::header);
        try (Response response = http.newCall(request.build()).execute()) {
          return new Reply(response.code(), response.body().string());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      };
    }

    /** Sends a signed request with a raw body (null for none) and extra headers. */
    public Reply sendBytes(String method, String path, byte[] bytes, Map<String, String> extraHeaders) {
      byte[] body = bytes == null ? new byte[0] : bytes;
      Map<String, String> headers = RequestSignature.sign(key, certificate, method, path, body,
          Instant.now().getEpochSecond());
      Request.Builder request = new Request.Builder().url(target + path)
          .method(method, bytes == null && !method.equals("POST") && !method.equals("PUT")
              ? null : RequestBody.create(body, extraHeaders.containsKey("Content-Type")
                  ? MediaType.get(extraHeaders.get("Content-Type")) : JSON));
      headers.forEach(request::header);
      extraHeaders.forEach(request::header);
      try (Response response = http.newCall(request.build()).execute()) {
        return new Reply(response.code(), response.body().string());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  public record Reply(int status, String body) {}
}

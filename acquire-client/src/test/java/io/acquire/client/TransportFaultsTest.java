package io.acquire.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.stubFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockRuntimeInfo;
import com.github.tomakehurst.wiremock.junit5.WireMockTest;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.acquire.client.internal.Session;
import io.acquire.client.internal.Transport;
import io.acquire.client.internal.Transport.Safety;
import io.acquire.client.wire.Base64Url;
import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.ServiceInfo;
import io.acquire.client.wire.SessionCertificate;
import io.acquire.client.wire.SessionClaims;
import io.acquire.client.wire.SigningKey;
import io.acquire.client.wire.StorageWire;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Faults the real backend will not produce, injected with WireMock. */
@WireMockTest
class TransportFaultsTest {
  private static final String ERROR = "{\"status\":%d,\"error\":\"%s\",\"message\":\"%s\",\"requestId\":\"req_1\"}";

  private final List<Duration> sleeps = new ArrayList<>();
  private final RetryPolicy retry = RetryPolicy.defaults().withSleeper(sleeps::add);
  // Generous enough that a loaded CI machine answers in time; the timeout tests delay three times longer.
  private final OkHttpClient http = new OkHttpClient.Builder().readTimeout(1000, TimeUnit.MILLISECONDS).build();
  private Transport transport;
  private String base;

  @BeforeEach
  void connect(WireMockRuntimeInfo wm) {
    base = wm.getHttpBaseUrl() + "/t/identity";
    transport = new Transport(http, base, retry, () -> null, Clock.systemUTC());
  }

  private static String error(int status, String code, String message) {
    return String.format(ERROR, status, code, message);
  }

  @Test
  void safeCallIsRetriedAfterA500() {
    stubFor(get(urlEqualTo("/t/identity/info")).inScenario("flaky").whenScenarioStateIs(STARTED)
        .willReturn(aResponse().withStatus(500).withBody(error(500, "internal_error", "boom")))
        .willSetStateTo("recovered"));
    stubFor(get(urlEqualTo("/t/identity/info")).inScenario("flaky").whenScenarioStateIs("recovered")
        .willReturn(okJson("{\"name\":\"identity\",\"url\":\"u\",\"publicKey\":\"k\"}")));

    assertEquals("identity", transport.get("/info", ServiceInfo.class).name());
    WireMock.verify(2, getRequestedFor(urlEqualTo("/t/identity/info")));
    assertEquals(1, sleeps.size(), "one backoff between the two attempts");
    assertTrue(sleeps.get(0).compareTo(Duration.ofMillis(200)) <= 0, "full jitter under the base delay");
  }

  @Test
  void unsafeCallIsNotRetriedAfterA500() {
    stubFor(post(urlEqualTo("/t/identity/users"))
        .willReturn(aResponse().withStatus(500).withBody(error(500, "internal_error", "disk on fire"))));

    ServiceException e = assertThrows(ServiceException.class,
        () -> transport.post("/users", Map.of("username", "ada"), ServiceInfo.class, Safety.UNSAFE));
    WireMock.verify(1, postRequestedFor(urlEqualTo("/t/identity/users")));
    assertEquals(500, e.status());
    assertEquals("disk on fire", e.serviceMessage());
    assertEquals("req_1", e.requestId());
    assertEquals("500 internal_error: disk on fire (request req_1)", e.getMessage());
    assertTrue(sleeps.isEmpty());
  }

  @Test
  void safeCallGivesUpAfterMaxAttemptsWithTheLastError() {
    stubFor(get(urlEqualTo("/t/identity/info")).willReturn(aResponse().withStatus(503)
        .withBody(error(503, "unavailable", "down for maintenance"))));
    ServiceException e = assertThrows(ServiceException.class, () -> transport.get("/info", ServiceInfo.class));
    assertEquals(503, e.status());
    WireMock.verify(3, getRequestedFor(urlEqualTo("/t/identity/info")));
    assertEquals(2, sleeps.size());
  }

  @Test
  void rateLimitRetryAfterIsHonouredUpToTheCap() {
    stubFor(get(urlEqualTo("/t/identity/info")).inScenario("limited").whenScenarioStateIs(STARTED)
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")
            .withBody(error(429, "too_many_requests", "slow down")))
        .willSetStateTo("ok"));
    stubFor(get(urlEqualTo("/t/identity/info")).inScenario("limited").whenScenarioStateIs("ok")
        .willReturn(okJson("{\"name\":\"identity\"}")));
    transport.get("/info", ServiceInfo.class);
    assertEquals(List.of(Duration.ofSeconds(2)), sleeps);
  }

  @Test
  void rateLimitExceptionCarriesRetryAfter() {
    stubFor(post(urlEqualTo("/t/identity/users")).willReturn(aResponse().withStatus(429)
        .withHeader("Retry-After", "60").withBody(error(429, "too_many_requests", "wait"))));
    RateLimitException e = assertThrows(RateLimitException.class,
        () -> transport.post("/users", Map.of(), ServiceInfo.class, Safety.UNSAFE));
    assertEquals(Duration.ofSeconds(60), e.retryAfter());
  }

  @Test
  void timeoutOfASafeCallIsRetriedThenReported() {
    stubFor(get(urlEqualTo("/t/identity/info")).willReturn(okJson("{}").withFixedDelay(3000)));
    TransportException e = assertThrows(TransportException.class, () -> transport.get("/info", ServiceInfo.class));
    assertTrue(e.getMessage().contains("timed out"), e.getMessage());
    assertTrue(e.getMessage().contains("after 3 attempts"), e.getMessage());
    assertEquals(0, e.status());
    WireMock.verify(3, getRequestedFor(urlEqualTo("/t/identity/info")));
  }

  @Test
  void timeoutOfAnUnsafeCallIsReportedWithoutRetry() {
    stubFor(post(urlEqualTo("/t/identity/users")).willReturn(okJson("{}").withFixedDelay(3000)));
    assertThrows(TransportException.class, () -> transport.post("/users", Map.of(), ServiceInfo.class, Safety.UNSAFE));
    WireMock.verify(1, postRequestedFor(urlEqualTo("/t/identity/users")));
  }

  @Test
  void malformedJsonIsAnInvalidResponse() {
    stubFor(get(urlEqualTo("/t/identity/info")).willReturn(okJson("{\"name\": ").withHeader("X-Request-Id", "req_9")));
    InvalidResponseException e = assertThrows(InvalidResponseException.class,
        () -> transport.get("/info", ServiceInfo.class));
    assertEquals("req_9", e.requestId());
    assertTrue(e.getMessage().contains("not the expected ServiceInfo JSON"), e.getMessage());
  }

  @Test
  void anErrorWithoutOurBodySaysSo() {
    stubFor(get(urlEqualTo("/t/identity/info")).willReturn(aResponse().withStatus(404).withBody("<html>nginx</html>")));
    NotFoundException e = assertThrows(NotFoundException.class, () -> transport.get("/info", ServiceInfo.class));
    assertTrue(e.getMessage().contains("no Acquire error body"), e.getMessage());
  }

  @Test
  void errorsMapToTheirKinds() {
    Map<Integer, Class<? extends AcquireException>> kinds = Map.of(
        400, InvalidRequestException.class, 401, AuthenticationException.class, 403, PermissionException.class,
        404, NotFoundException.class, 409, ConflictException.class, 402, InsufficientFundsException.class);
    kinds.forEach((status, kind) -> {
      stubFor(post(urlEqualTo("/t/identity/k" + status)).willReturn(aResponse().withStatus(status)
          .withBody(error(status, "code_" + status, "message " + status))));
      AcquireException e = assertThrows(AcquireException.class,
          () -> transport.post("/k" + status, Map.of(), ServiceInfo.class, Safety.UNSAFE));
      assertInstanceOf(kind, e);
      assertEquals("message " + status, e.serviceMessage());
      assertEquals("code_" + status, e.errorCode());
    });
  }

  @Test
  void everyAttemptIsSignedAfreshAndVerifies(WireMockRuntimeInfo wm) {
    SigningKey sessionKey = SigningKey.generate();
    SigningKey issuer = SigningKey.generate();
    Instant now = Instant.now();
    SessionCertificate certificate = SessionCertificate.issue(new SessionClaims("identity", "ada", "s1",
        sessionKey.verifyingKey().toBase64Url(), "user", now, now.plusSeconds(3600)), issuer);
    Transport signed = new Transport(http, base, retry, () -> new Session(sessionKey, certificate), Clock.systemUTC());
    stubFor(get(urlEqualTo("/t/identity/whoami?x=a%20b")).inScenario("s").whenScenarioStateIs(STARTED)
        .willReturn(aResponse().withStatus(502).withBody(error(502, "bad_gateway", "proxy"))).willSetStateTo("ok"));
    stubFor(get(urlEqualTo("/t/identity/whoami?x=a%20b")).inScenario("s").whenScenarioStateIs("ok")
        .willReturn(okJson("{\"name\":\"identity\"}")));

    signed.get("/whoami?x=a%20b", ServiceInfo.class);

    List<LoggedRequest> requests = WireMock.findAll(getRequestedFor(urlEqualTo("/t/identity/whoami?x=a%20b")));
    assertEquals(2, requests.size());
    assertNotEquals(requests.get(0).getHeader(RequestSignature.NONCE_HEADER),
        requests.get(1).getHeader(RequestSignature.NONCE_HEADER), "a retry needs a fresh nonce");
    for (LoggedRequest request : requests) {
      assertEquals(certificate.token(), request.getHeader(RequestSignature.CERTIFICATE_HEADER));
      byte[] canonical = RequestSignature.canonical("GET", "/t/identity/whoami?x=a%20b", new byte[0],
          Long.parseLong(request.getHeader(RequestSignature.TIMESTAMP_HEADER)),
          request.getHeader(RequestSignature.NONCE_HEADER));
      assertTrue(sessionKey.verifyingKey().verify(
          Base64Url.decode(request.getHeader(RequestSignature.SIGNATURE_HEADER)), canonical));
    }
  }

  @Test
  void aChunkPutStraightToTheStoreIsSentAgainWithANewUrlAfterASlowDownAndALostConnection(WireMockRuntimeInfo wm) {
    stubFor(WireMock.put(urlEqualTo("/store/c0")).inScenario("store").whenScenarioStateIs(STARTED)
        .willReturn(aResponse().withStatus(503).withBody("<Error><Code>SlowDown</Code></Error>"))
        .willSetStateTo("reset"));
    stubFor(WireMock.put(urlEqualTo("/store/c0")).inScenario("store").whenScenarioStateIs("reset")
        .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("ok"));
    stubFor(WireMock.put(urlEqualTo("/store/c0")).inScenario("store").whenScenarioStateIs("ok")
        .willReturn(aResponse().withStatus(200)));
    stubFor(post(urlEqualTo("/t/identity/drives/d/uploads/u/direct"))
        .willReturn(okJson("{\"urls\":[{\"url\":\"" + wm.getHttpBaseUrl() + "/store/c0\",\"headers\":{}}]}")));

    ChunkPuts.put(noSilentRetries(), "/drives/d/uploads/u", directUpload(), 0, "00", storeUrl(wm), chunk());

    WireMock.verify(3, WireMock.putRequestedFor(urlEqualTo("/store/c0")));
    WireMock.verify(2, postRequestedFor(urlEqualTo("/t/identity/drives/d/uploads/u/direct")));
    assertEquals(2, sleeps.size(), "each attempt after a failure waits its backoff");
  }

  @Test
  void aChunkTheStoreFindsCorruptIsNotSentAgain(WireMockRuntimeInfo wm) {
    stubFor(WireMock.put(urlEqualTo("/store/c0"))
        .willReturn(aResponse().withStatus(400).withBody("<Error><Code>BadDigest</Code><Key>secret</Key></Error>")));

    InvalidResponseException e = assertThrows(InvalidResponseException.class,
        () -> ChunkPuts.put(noSilentRetries(), "/drives/d/uploads/u", directUpload(), 0, "00", storeUrl(wm), chunk()));

    WireMock.verify(1, WireMock.putRequestedFor(urlEqualTo("/store/c0")));
    assertTrue(e.getMessage().contains("BadDigest") && e.getMessage().contains("start a new upload"), e.getMessage());
    assertTrue(!e.getMessage().contains("secret"), "the store's body is not echoed: " + e.getMessage());
    assertTrue(sleeps.isEmpty());
  }

  @Test
  void aStoreThatKeepsDroppingTheConnectionFailsTheChunkAfterTheRetryPolicysAttempts(WireMockRuntimeInfo wm) {
    stubFor(WireMock.put(urlEqualTo("/store/c0")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    stubFor(post(urlEqualTo("/t/identity/drives/d/uploads/u/direct"))
        .willReturn(okJson("{\"urls\":[{\"url\":\"" + wm.getHttpBaseUrl() + "/store/c0\",\"headers\":{}}]}")));

    TransportException e = assertThrows(TransportException.class,
        () -> ChunkPuts.put(noSilentRetries(), "/drives/d/uploads/u", directUpload(), 0, "00", storeUrl(wm), chunk()));

    WireMock.verify(3, WireMock.putRequestedFor(urlEqualTo("/store/c0")));
    assertTrue(e.getMessage().startsWith("Cannot reach the store at " + wm.getHttpBaseUrl()), e.getMessage());
  }

  /** The transport without OkHttp's own quiet retry of a reset connection, so that the attempts counted are ours. */
  private Transport noSilentRetries() {
    return new Transport(http.newBuilder().retryOnConnectionFailure(false).build(), base, retry, () -> null,
        Clock.systemUTC());
  }

  private static StorageWire.UploadStatus directUpload() {
    return new StorageWire.UploadStatus("u", "f.bin", 4, null, 4, 1, List.of(), true, List.of());
  }

  private static StorageWire.DirectUrl storeUrl(WireMockRuntimeInfo wm) {
    return new StorageWire.DirectUrl(wm.getHttpBaseUrl() + "/store/c0", Map.of(), null);
  }

  private static okhttp3.RequestBody chunk() {
    return okhttp3.RequestBody.create(new byte[] {1, 2, 3, 4});
  }
}

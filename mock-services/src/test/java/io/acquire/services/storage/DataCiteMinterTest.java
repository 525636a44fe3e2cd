package io.acquire.services.storage;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.BasicCredentials;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;
import io.acquire.services.http.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The DataCite minter against a fake of DataCite's REST API, built from its documentation:
 * JSON:API bodies ({@code application/vnd.api+json}) at {@code /dois}, HTTP basic
 * authentication, a draft then the {@code publish} event, {@code hide} to withdraw, and
 * errors as {@code {"errors":[{"source":…,"title":…}]}}.
 */
class DataCiteMinterTest {
  private static final String PASSWORD = "correct-horse-battery-staple";
  private static final String DOI = "10.80123/acquire.abcdefghjk";

  private final WireMockServer datacite = new WireMockServer(WireMockConfiguration.options()
      .bindAddress("127.0.0.1").dynamicPort());
  private DataCiteMinter minter;

  @BeforeEach
  void start() {
    datacite.start();
    // Generous: the first call to a fresh WireMock on a busy machine can take seconds.
    minter = new DataCiteMinter(datacite.baseUrl(), "ACQ.REPO", PASSWORD, "10.80123", Duration.ofSeconds(15));
  }

  @AfterEach
  void stop() {
    datacite.stop();
  }

  private static ObjectNode metadata() {
    PublicationRecord record = new PublicationRecord("abcdefghjk", DOI, true, "ada", "drv_1", "results", "", "Argon",
        List.of("Lovelace, Ada"), "", "Acquire", 2026, Instant.parse("2026-12-05T10:00:00Z"),
        List.of(new PublicationRecord.Frozen("a.txt", "a.txt", 1, 5, "0".repeat(64))), PublicationRecord.FINDABLE,
        null, null);
    return new PublicationMetadata(record, "http://127.0.0.1:1/t/storage/publications/abcdefghjk").datacite();
  }

  @Test
  void aDraftIsCreatedThenPublishedThenHiddenWithBasicAuthAndJsonApiBodies() {
    datacite.stubFor(post(urlEqualTo("/dois")).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/vnd.api+json").withBody("{\"data\":{\"id\":\"" + DOI + "\"}}")));
    datacite.stubFor(put(urlEqualTo("/dois/" + DOI)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/vnd.api+json").withBody("{\"data\":{\"id\":\"" + DOI + "\"}}")));

    minter.reserve(DOI, metadata());
    minter.publish(DOI, "https://acquire.example/t/storage/publications/abcdefghjk");
    minter.withdraw(DOI);

    BasicCredentials credentials = new BasicCredentials("ACQ.REPO", PASSWORD);
    datacite.verify(postRequestedFor(urlEqualTo("/dois")).withBasicAuth(credentials)
        .withHeader("Content-Type", containing("application/vnd.api+json"))
        .withRequestBody(matchingJsonPath("$.data.type", equalTo("dois")))
        .withRequestBody(matchingJsonPath("$.data.attributes.doi", equalTo(DOI)))
        .withRequestBody(matchingJsonPath("$.data.attributes.titles[0].title", equalTo("Argon")))
        .withRequestBody(matchingJsonPath("$.data.attributes.types.resourceTypeGeneral", equalTo("Dataset")))
        .withRequestBody(matchingJsonPath("$.data.attributes.schemaVersion",
            equalTo("http://datacite.org/schema/kernel-4"))));
    assertFalse(datacite.getAllServeEvents().stream().anyMatch(e -> e.getRequest().getBodyAsString()
        .contains("\"event\"") && e.getRequest().getMethod().getName().equals("POST")), "the draft has no event");
    datacite.verify(putRequestedFor(urlEqualTo("/dois/" + DOI)).withBasicAuth(credentials)
        .withRequestBody(matchingJsonPath("$.data.attributes.event", equalTo("publish")))
        .withRequestBody(matchingJsonPath("$.data.attributes.url",
            equalTo("https://acquire.example/t/storage/publications/abcdefghjk"))));
    datacite.verify(putRequestedFor(urlEqualTo("/dois/" + DOI))
        .withRequestBody(matchingJsonPath("$.data.attributes.event", equalTo("hide"))));
  }

  @Test
  void refusedCredentialsBecomeA502ThatNamesNoSecret() {
    datacite.stubFor(post(urlEqualTo("/dois")).willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/vnd.api+json")
        .withBody("{\"errors\":[{\"status\":\"401\",\"title\":\"Bad credentials.\"}]}")));
    ApiException e = assertThrows(ApiException.class, () -> minter.reserve(DOI, metadata()));
    assertEquals(502, e.status());
    assertTrue(e.getMessage().contains("refused this backend's credentials"), e.getMessage());
    assertFalse(e.getMessage().contains(PASSWORD));
    assertFalse(minter.toString().contains(PASSWORD), minter.toString());
    assertFalse(minter.toString().contains(java.util.Base64.getEncoder().encodeToString(("ACQ.REPO:" + PASSWORD)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8))));
  }

  @Test
  void refusedMetadataBecomesA502WithDataCitesReasons() {
    datacite.stubFor(put(urlEqualTo("/dois/" + DOI)).willReturn(aResponse().withStatus(422)
        .withHeader("Content-Type", "application/vnd.api+json")
        .withBody("{\"errors\":[{\"source\":\"url\",\"uid\":\"" + DOI + "\",\"title\":\"Is not a valid URL\"},"
            + "{\"source\":\"publisher\",\"title\":\"Can't be blank\"}]}")));
    ApiException e = assertThrows(ApiException.class, () -> minter.publish(DOI, "not a url"));
    assertEquals(502, e.status());
    assertTrue(e.getMessage().contains("url: Is not a valid URL; publisher: Can't be blank"), e.getMessage());
  }

  @Test
  void noAnswerInTimeBecomesA504() {
    DataCiteMinter impatient = new DataCiteMinter(datacite.baseUrl(), "ACQ.REPO", PASSWORD, "10.80123",
        Duration.ofSeconds(1));
    datacite.stubFor(post(urlEqualTo("/dois")).willReturn(aResponse().withStatus(201).withFixedDelay(3000)));
    long started = System.nanoTime();
    ApiException e = assertThrows(ApiException.class, () -> impatient.reserve(DOI, metadata()));
    assertEquals(504, e.status());
    assertTrue(e.getMessage().contains("did not answer in time"), e.getMessage());
    assertTrue(System.nanoTime() - started < 2_500_000_000L, "the one-second timeout held");
  }

  @Test
  void aDroppedConnectionBecomesA502AndOtherStatusesSaySo() {
    datacite.stubFor(post(urlEqualTo("/dois")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    ApiException reset = assertThrows(ApiException.class, () -> minter.reserve(DOI, metadata()));
    assertEquals(502, reset.status());
    assertTrue(reset.getMessage().contains("could not be reached"), reset.getMessage());
    datacite.stubFor(put(urlEqualTo("/dois/" + DOI)).willReturn(aResponse().withStatus(500)));
    ApiException failed = assertThrows(ApiException.class, () -> minter.withdraw(DOI));
    assertTrue(failed.getMessage().contains("answered 500"), failed.getMessage());
  }

  @Test
  void releasingADraftDeletesItAndAFailureToDoSoIsOnlyLogged() {
    datacite.stubFor(delete(urlEqualTo("/dois/" + DOI)).willReturn(aResponse().withStatus(204)));
    minter.release(DOI);
    datacite.verify(deleteRequestedFor(urlEqualTo("/dois/" + DOI)));
    datacite.stubFor(delete(urlEqualTo("/dois/" + DOI)).willReturn(aResponse().withStatus(403)));
    minter.release(DOI); // the caller is already failing with its own reason
  }
}

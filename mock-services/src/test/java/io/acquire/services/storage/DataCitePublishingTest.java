package io.acquire.services.storage;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.acquire.client.Drive;
import io.acquire.client.Publication;
import io.acquire.client.ServiceException;
import io.acquire.client.User;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.RealLogins;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backend configured to mint through DataCite (faked by WireMock), end to end through the SDK. */
class DataCitePublishingTest {
  private final WireMockServer datacite = new WireMockServer(WireMockConfiguration.options()
      .bindAddress("127.0.0.1").dynamicPort());
  private AcquireServer server;

  @TempDir
  Path dir;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    datacite.stop();
  }

  private User start() throws Exception {
    datacite.start();
    Path password = Files.writeString(dir.resolve("datacite-password"), "s3cret-for-tests\n");
    server = AcquireServer.builder().store(new MemoryObjectStore()).port(0)
        .option("identity.bcrypt-cost", "4").option("identity.poll-interval-seconds", "1")
        .option("storage.minter", "datacite").option("storage.datacite-url", datacite.baseUrl())
        .option("storage.datacite-repository", "ACQ.REPO").option("storage.doi-prefix", "10.80123")
        .option("storage.datacite-password-file", password.toString()).start();
    return RealLogins.loggedIn(server.url(), "ada");
  }

  @Test
  void aPublicationGetsADoiThatResolvesAtDoiOrgToItsLandingPage() throws Exception {
    User ada = start();
    datacite.stubFor(post(urlEqualTo("/dois")).willReturn(aResponse().withStatus(201).withBody("{}")));
    datacite.stubFor(put(urlMatching("/dois/10\\.80123/.*")).willReturn(aResponse().withStatus(200).withBody("{}")));
    Drive drive = Drive.open(ada, "results");
    drive.write("a.txt", "alpha".getBytes(StandardCharsets.UTF_8));

    Publication publication = drive.publish("Alpha", List.of("Lovelace, Ada"), "");
    assertTrue(publication.identifier().startsWith("10.80123/acquire."), publication.identifier());
    assertEquals(URI.create("https://doi.org/" + publication.identifier()), publication.identifierUrl());
    datacite.verify(putRequestedFor(urlEqualTo("/dois/" + publication.identifier()))
        .withRequestBody(matchingJsonPath("$.data.attributes.event", equalTo("publish")))
        .withRequestBody(matchingJsonPath("$.data.attributes.url", equalTo(publication.landingPage().toString()))));

    publication.withdraw("Superseded.");
    datacite.verify(putRequestedFor(urlEqualTo("/dois/" + publication.identifier()))
        .withRequestBody(matchingJsonPath("$.data.attributes.event", equalTo("hide"))));
  }

  @Test
  void whenDataCiteRefusesToPublishTheDraftIsDeletedAndNothingIsLeft() throws Exception {
    User ada = start();
    datacite.stubFor(post(urlEqualTo("/dois")).willReturn(aResponse().withStatus(201).withBody("{}")));
    datacite.stubFor(put(urlMatching("/dois/.*")).willReturn(aResponse().withStatus(422)
        .withBody("{\"errors\":[{\"source\":\"url\",\"title\":\"Is not a valid URL\"}]}")));
    datacite.stubFor(delete(urlMatching("/dois/.*")).willReturn(aResponse().withStatus(204)));
    Drive drive = Drive.open(ada, "results");
    drive.write("a.txt", "alpha".getBytes(StandardCharsets.UTF_8));

    ServiceException refused = assertThrows(ServiceException.class,
        () -> drive.publish("Alpha", List.of("Lovelace, Ada"), ""));
    assertEquals(502, refused.status());
    assertTrue(refused.getMessage().contains("url: Is not a valid URL"), refused.getMessage());
    assertFalse(refused.getMessage().contains("s3cret"));
    datacite.verify(1, deleteRequestedFor(urlMatching("/dois/10\\.80123/acquire\\..*")));
    assertEquals(List.of(), Publication.list(ada), "no record of a publication that never became findable");
  }

  @Test
  void aBackendAskedToMintThroughDataCiteWithoutItsPasswordOrWithItOnTheCommandLineRefusesToStart() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AcquireServer.builder()
        .store(new MemoryObjectStore()).port(0).option("storage.minter", "datacite")
        .option("storage.datacite-repository", "ACQ.REPO").option("storage.doi-prefix", "10.80123")
        .option("storage.datacite-password-file", dir.resolve("missing").toString()).start());
    assertTrue(e.getMessage().contains("Cannot read the DataCite password"), e.getMessage());
    IllegalArgumentException onCommandLine = assertThrows(IllegalArgumentException.class, () -> AcquireServer.builder()
        .store(new MemoryObjectStore()).port(0).option("storage.minter", "datacite")
        .option("storage.datacite-repository", "ACQ.REPO").option("storage.doi-prefix", "10.80123")
        .option("storage.datacite-password", "s3cret-on-a-command-line").start());
    assertTrue(onCommandLine.getMessage().contains("is not accepted"), onCommandLine.getMessage());
    assertFalse(onCommandLine.getMessage().contains("s3cret"), onCommandLine.getMessage());
  }
}

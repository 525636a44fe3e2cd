package io.acquire.services.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.acquire.client.Drive;
import io.acquire.client.Publication;
import io.acquire.client.User;
import io.acquire.client.wire.Json;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.HeadlessChromium;
import io.acquire.services.testing.PublicationChecks;
import io.acquire.services.testing.RealLogins;
import java.nio.charset.StandardCharsets;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/** The landing page and the tombstone as a validator and a browser see them. */
class PublicationPageTest {
  private final AcquireServer server = AcquireServer.builder().store(new MemoryObjectStore()).port(0)
      .option("identity.bcrypt-cost", "4").option("identity.poll-interval-seconds", "1").start();

  @AfterEach
  void stop() {
    server.close();
  }

  private Publication published() {
    User ada = RealLogins.loggedIn(server.url(), "ada");
    Drive drive = Drive.open(ada, "results");
    drive.write("records.csv", "time_ps,temperature_K\n0,0\n".getBytes(StandardCharsets.UTF_8));
    drive.write("final <frame>.xyz", "1\nAr\nAr 0 0 0\n".getBytes(StandardCharsets.UTF_8));
    return drive.publish("Argon heated from 0 K to 120 K", List.of("Lovelace, Ada", "Babbage, Charles"),
        "A 20 ps equilibration of 256 argon atoms.\n\nRecords & the final frame.");
  }

  private static String html(String url, int expectedStatus) throws Exception {
    try (Response response = new OkHttpClient().newCall(new Request.Builder().url(url).build()).execute()) {
      assertEquals(expectedStatus, response.code());
      assertTrue(response.header("Content-Security-Policy").contains("default-src 'none'"));
      return response.body().string();
    }
  }

  @Test
  void theLandingPageAndTheTombstonePassTheNuHtmlChecker() throws Exception {
    Publication publication = published();
    String page = html(publication.landingPage().toString(), 200);
    assertEquals(List.of(), PublicationChecks.htmlProblems(page));

    // The embedded JSON-LD is schema.org's Dataset, naming every file.
    String jsonLd = page.substring(page.indexOf("application/ld+json\">") + 21, page.indexOf("</script>"));
    JsonNode dataset = Json.mapper().readTree(jsonLd);
    assertEquals("Dataset", dataset.path("@type").asText());
    assertEquals(2, dataset.path("distribution").size());

    publication.withdraw("Superseded by a longer run.");
    String tombstone = html(publication.landingPage().toString(), 410);
    assertEquals(List.of(), PublicationChecks.htmlProblems(tombstone));
  }

  @Test
  void theCheckerWouldCatchABrokenPage() {
    List<String> problems = PublicationChecks.htmlProblems("<!doctype html><html><head><title>x</title></head>"
        + "<body><table><tr><td>cell</td></tr></table><p><div>nested</div></p></body></html>");
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("error")), problems.toString());
  }

  @Test
  void theLandingPageShowsInHeadlessChromiumWithALinkToEachPublishedFile() throws Exception {
    Publication publication = published();
    ChromeDriver chrome = HeadlessChromium.start();
    try {
      chrome.get(publication.landingPage().toString());
      assertEquals("Argon heated from 0 K to 120 K · Acquire", chrome.getTitle());
      assertEquals("Argon heated from 0 K to 120 K", chrome.findElement(By.tagName("h1")).getText());
      assertTrue(chrome.findElement(By.id("citation")).getText().contains(publication.identifier()));
      List<String> links = chrome.findElements(By.cssSelector("table a")).stream().map(a -> a.getAttribute("href"))
          .toList();
      assertEquals(publication.files().stream().map(f -> f.url().toString()).toList(), links);
      assertTrue(chrome.findElement(By.tagName("table")).getText().contains("final <frame>.xyz"));
    } finally {
      chrome.quit();
    }
  }
}

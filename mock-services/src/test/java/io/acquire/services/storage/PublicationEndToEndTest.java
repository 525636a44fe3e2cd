package io.acquire.services.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.acquire.client.Drive;
import io.acquire.client.InvalidRequestException;
import io.acquire.client.NotFoundException;
import io.acquire.client.Publication;
import io.acquire.client.Publication.CitationFormat;
import io.acquire.client.SignedCalls;
import io.acquire.client.User;
import io.acquire.client.wire.Json;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.PublicationChecks;
import io.acquire.services.testing.RealLogins;
import io.acquire.services.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jbibtex.BibTeXDatabase;
import org.jbibtex.BibTeXEntry;
import org.jbibtex.Key;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing through the SDK against the real backend; everything public fetched by a plain HTTP client. */
class PublicationEndToEndTest {
  private final AcquireServer server = AcquireServer.builder().store(new MemoryObjectStore()).port(0)
      .option("identity.bcrypt-cost", "4").option("identity.poll-interval-seconds", "1").start();
  /** No session, no signature: what a stranger on the web has. */
  private final OkHttpClient anonymous = new OkHttpClient();

  @TempDir
  Path dir;

  @AfterEach
  void stop() {
    server.close();
  }

  private record Fetched(int status, String contentType, byte[] body, String contentRange) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private Fetched fetch(String url, String range) throws Exception {
    Request.Builder request = new Request.Builder().url(url);
    if (range != null) {
      request.header("Range", range);
    }
    try (Response response = anonymous.newCall(request.build()).execute()) {
      return new Fetched(response.code(), response.header("Content-Type"), response.body().bytes(),
          response.header("Content-Range"));
    }
  }

  private Path file(String name, byte[] bytes) throws Exception {
    return Files.write(dir.resolve(name), bytes);
  }

  @Test
  void publishedFilesCannotBeDeletedUntilThePublicationIsWithdrawn() throws Exception {
    User ada = RealLogins.loggedIn(server.url(), "ada");
    Drive drive = Drive.open(ada, "results");
    drive.write("run/energies.csv", "t,E\n0,-5243.5\n".getBytes(StandardCharsets.UTF_8));
    Publication publication = drive.publishFolder("run", "Argon energies", List.of("Lovelace, Ada"), "");
    io.acquire.client.ConflictException refused = assertThrows(io.acquire.client.ConflictException.class,
        () -> drive.delete("run/energies.csv", 1));
    assertTrue(refused.getMessage().contains(publication.identifier()) && refused.getMessage().contains("withdraw"),
        refused.getMessage());
    assertThrows(io.acquire.client.ConflictException.class, drive::deleteDrive);
    assertEquals(1, drive.versions("run/energies.csv").size(), "nothing was deleted");
    publication.withdraw("superseded");
    assertEquals(1, drive.delete("run/energies.csv", 1).versions());
    assertTrue(drive.files().isEmpty());
  }

  @Test
  void aPublishedFolderIsFrozenAndItsFilesCitationsAndMetadataArePublic() throws Exception {
    User ada = RealLogins.loggedIn(server.url(), "ada");
    Drive drive = Drive.open(ada, "results");
    byte[] big = new byte[9 * 1024 * 1024 + 5];
    new Random(7).nextBytes(big);
    drive.upload(file("big.bin", big), "run 1/data/big.bin");
    drive.write("run 1/notes & summary.txt", "first".getBytes(StandardCharsets.UTF_8));
    drive.write("elsewhere.txt", "not published".getBytes(StandardCharsets.UTF_8));

    Publication publication = drive.publishFolder("run 1", "Argon {heated} to 120 K: 50% done & more",
        List.of("Lovelace, Ada", "Analytical Engine Society"), "Twenty picoseconds.\n\nSecond paragraph.");
    assertTrue(publication.identifier().matches("10\\.5072/acquire\\.[0-9a-z]{10}"), publication.identifier());
    assertEquals(publication.landingPage(), publication.identifierUrl(), "a local identifier resolves to its page");
    assertEquals(List.of("data/big.bin", "notes & summary.txt"),
        publication.files().stream().map(Publication.File::path).toList());

    // Later versions do not change the publication.
    drive.write("run 1/notes & summary.txt", "second".getBytes(StandardCharsets.UTF_8));
    Publication.File notes = publication.files().get(1);
    assertEquals(1, notes.version());
    assertEquals("first", fetch(notes.url().toString(), null).text());

    Publication.File data = publication.files().get(0);
    assertArrayEquals(big, fetch(data.url().toString(), null).body());
    Fetched range = fetch(data.url().toString(), "bytes=8388600-8388615");
    assertEquals(206, range.status());
    assertEquals("bytes 8388600-8388615/" + big.length, range.contentRange());
    assertArrayEquals(Arrays.copyOfRange(big, 8388600, 8388616), range.body());
    assertEquals(416, fetch(data.url().toString(), "bytes=" + big.length + "-").status());

    Fetched page = fetch(publication.landingPage().toString(), null);
    assertEquals(200, page.status());
    assertTrue(page.contentType().startsWith("text/html"), page.contentType());
    assertTrue(page.text().contains("Argon {heated} to 120 K: 50% done &amp; more"), page.text());
    assertTrue(page.text().contains(publication.identifier()));
    assertTrue(page.text().contains("application/ld+json"));

    Fetched metadata = fetch(publication.metadataUrl().toString(), null);
    assertEquals(200, metadata.status());
    assertEquals(java.util.Set.of(), PublicationChecks.dataciteProblems(metadata.body()));
    JsonNode doc = Json.mapper().readTree(metadata.body());
    assertEquals(publication.identifier(), doc.at("/identifiers/0/identifier").asText());
    assertEquals("Lovelace", doc.at("/creators/0/familyName").asText());
    assertEquals("Dataset", doc.at("/types/resourceTypeGeneral").asText());

    String bibtex = publication.citation(CitationFormat.BIBTEX);
    BibTeXDatabase database = PublicationChecks.parseBibtex(bibtex);
    assertEquals(1, database.getEntries().size());
    BibTeXEntry entry = database.getEntries().values().iterator().next();
    assertEquals(publication.identifier(), entry.getField(new Key("doi")).toUserString());
    assertEquals("Lovelace, Ada and {Analytical Engine Society}", entry.getField(BibTeXEntry.KEY_AUTHOR).toUserString());
    assertEquals("{Argon \\{heated\\} to 120 K: 50\\% done \\& more}",
        entry.getField(BibTeXEntry.KEY_TITLE).toUserString());

    JsonNode csl = Json.mapper().readTree(publication.citation(CitationFormat.CSL_JSON));
    assertEquals("dataset", csl.at("/0/type").asText());
    assertEquals("Lovelace", csl.at("/0/author/0/family").asText());
    assertEquals("Analytical Engine Society", csl.at("/0/author/1/literal").asText());
    assertEquals(publication.identifier(), csl.at("/0/DOI").asText());
    assertTrue(publication.citation(CitationFormat.TEXT).startsWith("Lovelace, Ada; Analytical Engine Society ("));

    assertEquals(List.of(publication.id()), Publication.list(ada).stream().map(Publication::id).toList());
    assertEquals(400, fetch(publication.landingPage() + "/citation?format=mla", null).status());
    assertEquals(404, fetch(publication.landingPage() + "/files/elsewhere.txt", null).status());
    assertEquals(404, fetch(server.url() + "/t/storage/publications/0000000000", null).status());
  }

  @Test
  void aWithdrawnPublicationLeavesATombstoneAndItsFilesAreNoLongerServed() throws Exception {
    User ada = RealLogins.loggedIn(server.url(), "ada");
    Drive drive = Drive.open(ada, "results");
    drive.write("a.txt", "alpha".getBytes(StandardCharsets.UTF_8));
    Publication publication = drive.publish("Alpha", List.of("Lovelace, Ada"), "");
    String fileUrl = publication.files().get(0).url().toString();
    assertEquals("alpha", fetch(fileUrl, null).text());

    // The real curl, with no account: a whole download, a range, and HEAD.
    String curl = Tools.require("/usr/bin/curl", "curl").toString();
    Tools.run(List.of(curl, "-sS", "-f", "-O", "--output-dir", dir.toString(), fileUrl));
    assertEquals("alpha", Files.readString(dir.resolve("a.txt")));
    assertEquals("lph", Tools.run(List.of(curl, "-sS", "-f", "-r", "1-3", fileUrl)));
    String head = Tools.run(List.of(curl, "-sS", "-f", "-I", fileUrl));
    assertTrue(head.startsWith("HTTP/1.1 200") && head.toLowerCase(java.util.Locale.ROOT).contains("content-length: 5"),
        head);

    Publication withdrawn = publication.withdraw("The <thermostat> was misconfigured.");
    assertEquals("410", Tools.run(List.of(curl, "-s", "-o", "/dev/null", "-w", "%{http_code}", fileUrl)));
    assertTrue(withdrawn.isWithdrawn());
    assertEquals("The <thermostat> was misconfigured.", withdrawn.withdrawReason().orElseThrow());
    Fetched page = fetch(publication.landingPage().toString(), null);
    assertEquals(410, page.status(), "a tombstone, never a 404");
    assertTrue(page.text().contains("Withdrawn"));
    assertTrue(page.text().contains("The &lt;thermostat&gt; was misconfigured."));
    assertTrue(page.text().contains(publication.identifier()), "the metadata stays");
    assertFalse(page.text().contains(fileUrl), "no download links");
    Fetched file = fetch(fileUrl, null);
    assertEquals(410, file.status());
    assertTrue(file.text().contains("withdrawn"), file.text());
    assertEquals(java.util.Set.of(), PublicationChecks.dataciteProblems(fetch(publication.metadataUrl().toString(),
        null).body()));
    assertTrue(Publication.list(ada).get(0).isWithdrawn());
    assertEquals(withdrawn.withdrawnAt(), publication.withdraw("again").withdrawnAt(), "withdrawing twice changes nothing");
  }

  @Test
  void onlyTheOwnerPublishesAndWithdrawsAndBadInputIsRefusedWithReasons() throws Exception {
    User ada = RealLogins.loggedIn(server.url(), "ada");
    User bob = RealLogins.loggedIn(server.url(), "bob");
    Drive drive = Drive.open(ada, "results");
    drive.write("a.txt", "alpha".getBytes(StandardCharsets.UTF_8));
    Publication publication = drive.publish("Alpha", List.of("Lovelace, Ada"), "");

    io.acquire.client.internal.Transport bobs = SignedCalls.to(bob, "storage");
    NotFoundException notYours = assertThrows(NotFoundException.class, () -> bobs.post("/publications",
        new io.acquire.client.wire.PublicationWire.Publish(drive.id(), "", "Mine now", List.of("Bob"), ""),
        io.acquire.client.wire.PublicationWire.PublicationInfo.class, io.acquire.client.internal.Transport.Safety.UNSAFE));
    assertTrue(notYours.getMessage().contains("only a drive's owner may publish it"), notYours.getMessage());
    assertThrows(NotFoundException.class, () -> bobs.post("/publications/" + publication.id() + "/withdraw",
        new io.acquire.client.wire.PublicationWire.Withdraw("spite"),
        io.acquire.client.wire.PublicationWire.PublicationInfo.class, io.acquire.client.internal.Transport.Safety.SAFE));
    assertEquals(List.of(), Publication.list(bob));
    assertFalse(Publication.list(ada).get(0).isWithdrawn());

    InvalidRequestException noTitle = assertThrows(InvalidRequestException.class,
        () -> drive.publish(" ", List.of("Lovelace, Ada"), ""));
    assertTrue(noTitle.getMessage().contains("'title' is required"), noTitle.getMessage());
    InvalidRequestException noCreators = assertThrows(InvalidRequestException.class,
        () -> drive.publish("Alpha", List.of(), ""));
    assertTrue(noCreators.getMessage().contains("at least one creator"), noCreators.getMessage());
    InvalidRequestException empty = assertThrows(InvalidRequestException.class,
        () -> drive.publishFolder("nothing/here", "Alpha", List.of("Lovelace, Ada"), ""));
    assertTrue(empty.getMessage().contains("no files under nothing/here"), empty.getMessage());
    assertThrows(InvalidRequestException.class, () -> drive.publishFolder("../x", "Alpha", List.of("A"), ""));
    assertThrows(InvalidRequestException.class, () -> drive.publish("Two\nlines", List.of("A"), ""));
    assertThrows(InvalidRequestException.class, () -> drive.publish("Alpha", List.of(", Ada"), ""));
    assertThrows(InvalidRequestException.class, () -> publication.withdraw(" "));
    assertEquals(1, Publication.list(ada).size(), "nothing half-made by refused requests");
  }
}

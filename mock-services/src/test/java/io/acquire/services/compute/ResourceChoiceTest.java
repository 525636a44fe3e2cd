package io.acquire.services.compute;

import static io.acquire.services.compute.ComputeFixture.assertRefused;
import static io.acquire.services.compute.ComputeFixture.json;
import static io.acquire.services.compute.ComputeFixture.quote;
import static io.acquire.services.compute.ComputeFixture.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.acquire.services.AcquireServer;
import io.acquire.services.compute.ComputeFixture.Person;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.TestSessions.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several resources at their own prices and limits: the price list shows each, a quote
 * picks the cheapest that fits and says why, a named one is honoured or refused, and a
 * request that no one resource fits is refused naming every resource's limits. No job runs
 * here, so the Slurm resource needs no cluster.
 */
class ResourceChoiceTest {
  static ComputeFixture compute;
  static Person ada;

  @BeforeAll
  static void start(@TempDir Path work) {
    compute = new ComputeFixture(Clock.systemUTC(), Map.of("compute.resources", "local,big",
        "compute.work-directory", work.resolve("jobs").toString(),
        "compute.local.max-runtime-seconds", "3600", "compute.local.price-per-core-hour", "1.20",
        "compute.big.cores", "16", "compute.big.price-per-core-hour", "3.00",
        "compute.big.description", "the cluster's wide nodes"));
    ada = compute.person("ada");
  }

  @AfterAll
  static void stop() {
    compute.close();
  }

  static JsonNode quoted(Map<String, Object> request) {
    Reply reply = quote(ada.session(), request);
    assertEquals(201, reply.status(), reply.body());
    return json(reply);
  }

  @Test
  void thePriceListShowsEveryWorkloadOnEveryResource() {
    JsonNode prices = json(ada.session().send("GET", "/t/compute/prices", null));
    List<String> offers = new ArrayList<>();
    prices.get("offers").forEach(o -> offers.add(o.get("workload").asText() + "@" + o.get("resource").asText() + " "
        + o.get("maxCores").asInt() + " " + o.get("perCoreHour").get("amount").asText()));
    assertEquals(List.of("md-equilibrate@local 2 1.20", "md-equilibrate@big 16 3.00"), offers);
    assertEquals("the cluster's wide nodes", prices.get("offers").get(1).get("resourceDescription").asText());
  }

  @Test
  void aJobThatFitsBothGoesToTheCheaperAndTheQuoteSaysWhy() {
    JsonNode quote = quoted(request(ada, "md/short.json"));
    assertEquals("local", quote.get("job").get("resource").asText());
    assertEquals("the cheapest of 2 resources that fit 1 core, 512 MiB and 600 s (local 0.23 GBP, big 0.53 GBP)",
        quote.get("reason").asText());
    assertEquals("0.23", quote.get("price").get("amount").asText(), "(1.20 + 0.15) an hour for 10 minutes, rounded up");
  }

  @Test
  void aJobTooWideForTheCheaperGoesToTheOnlyOneThatFits() {
    Map<String, Object> wide = request(ada, "md/short.json");
    wide.put("cores", 8);
    JsonNode quote = quoted(wide);
    assertEquals("big", quote.get("job").get("resource").asText());
    assertEquals("the only one of 2 resources that fits 8 cores, 512 MiB and 600 s", quote.get("reason").asText());
  }

  @Test
  void aNamedResourceIsUsedEvenWhenDearer() {
    Map<String, Object> named = request(ada, "md/short.json");
    named.put("resource", "big");
    JsonNode quote = quoted(named);
    assertEquals("big", quote.get("job").get("resource").asText());
    assertEquals("named in the request", quote.get("reason").asText());
    assertEquals("0.53", quote.get("price").get("amount").asText());
  }

  @Test
  void aNamedResourceThatCannotHoldTheJobIsRefusedNamingItsLimit() {
    Map<String, Object> named = request(ada, "md/short.json");
    named.put("resource", "local");
    named.put("cores", 8);
    assertRefused(quote(ada.session(), named), 400,
        "Field 'cores' must be 1 to 2 (the most the price list offers for md-equilibrate on local), not 8.");
  }

  @Test
  void aJobNoOneResourceHoldsIsRefusedNamingEachResourcesLimits(@TempDir Path work) {
    // local is wide but short; long is long but narrow: 2 cores for two hours fits neither.
    try (ComputeFixture narrow = new ComputeFixture(Clock.systemUTC(), Map.of("compute.resources", "local,long",
        "compute.local.max-runtime-seconds", "3600", "compute.long.cores", "1",
        "compute.work-directory", work.resolve("jobs").toString()))) {
      Person bob = narrow.person("bob");
      Map<String, Object> request = request(bob, "md/short.json");
      request.put("cores", 2);
      request.put("maxRuntimeSeconds", 7200);
      assertRefused(quote(bob.session(), request), 400, "No one resource offers 2 cores, 512 MiB and 7200 s "
          + "together: local up to 2 cores, 4096 MiB and 3600 s; long up to 1 cores, 4096 MiB and 86400 s.");
      assertEquals(List.of(), narrow.store.list("compute/quotes/"), "no quote was made");
    }
  }

  @Test
  void anUnknownResourceIsRefusedWithTheList() {
    Map<String, Object> named = request(ada, "md/short.json");
    named.put("resource", "gpu");
    assertRefused(quote(ada.session(), named), 400, "Unknown resource 'gpu'; the price list offers local, big.");
  }

  @Test
  void anOperatorCannotOfferTwoLocalResources() {
    assertThrows(IllegalArgumentException.class, () -> AcquireServer.builder().store(new MemoryObjectStore()).port(0)
        .option("compute.resources", "local,other").option("compute.other.executor", "local").start().close());
  }

  @Test
  void aWorkDirectoryOwnedByAnotherUserIsRefusedAndOursIsMadePrivate(@TempDir Path dir) throws Exception {
    Path open = Files.createDirectory(dir.resolve("open"), PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rwxr-xr-x")));
    assertEquals(open, WorkDirectories.openRoot(open));
    assertEquals("rwx--x--x", PosixFilePermissions.toString(Files.getPosixFilePermissions(open)));

    Path theirs = Files.createDirectory(dir.resolve("theirs"));
    try {
      Files.setOwner(theirs, theirs.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
    } catch (java.io.IOException e) {
      org.junit.jupiter.api.Assumptions.assumeTrue(false, "cannot give a directory to 'nobody' here: " + e);
    }
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> WorkDirectories.openRoot(theirs));
    assertTrue(refused.getMessage().contains("belongs to nobody"), refused.getMessage());
    assertFalse(Files.getPosixFilePermissions(theirs).isEmpty());
  }
}

package io.acquire.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.Account;
import io.acquire.client.Drive;
import io.acquire.client.Job;
import io.acquire.client.JobSpec;
import io.acquire.client.JobStatus;
import io.acquire.client.Money;
import io.acquire.client.Quote;
import io.acquire.client.User;
import io.acquire.client.StatementLine;
import io.acquire.client.wire.Json;
import io.acquire.client.wire.ServiceInfo;
import io.acquire.services.testing.RealLogins;
import io.acquire.services.testing.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The five services in five JVMs, each on its own port, finding each other through the
 * registry and calling each other over signed HTTP; they share only the data directory
 * (the store). The SDK drives the whole flow against them, and a service killed mid-run
 * and restarted loses nothing and charges nothing twice.
 */
class SeparateHostsTest {
  static final String RAMP = "{\"system\":{\"cellsPerSide\":4,\"density\":1.374,\"cutoffSigmas\":2.5},\"protocol\":"
      + "{\"runtime\":%d,\"timestep\":5,\"startTemperature\":60,\"endTemperature\":120,\"reportInterval\":0.05,"
      + "\"seed\":7}}";

  @TempDir
  static Path dir;
  static Path data;
  static Path logs;
  static ServiceProcess registry;
  static ServiceProcess identity;
  static ServiceProcess accounting;
  static ServiceProcess storage;
  static ServiceProcess compute;
  static String registryUrl;
  static User ada;
  static Account account;
  static Drive inputs;

  @BeforeAll
  static void start() throws Exception {
    // The store holds the services' sealed keys and its master key: the backend requires it private.
    data = Files.createDirectories(dir.resolve("data"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    logs = Files.createDirectories(dir.resolve("logs"));
    registry = ServiceProcess.start("registry", logs, List.of("--port", "0", "--data", data.toString(),
        "--services", "registry"));
    registryUrl = registry.url() + "/t/registry";
    identity = service("identity", 0);
    accounting = service("accounting", 0);
    storage = service("storage", 0);
    compute = service("compute", 0);

    ada = RealLogins.loggedIn(User.builder().username("ada").identityUrl(identity.url() + "/t/identity")
        .registryUrl(registryUrl).build());
    account = Account.create(ada, "simulations");
    inputs = Drive.open(ada, "inputs", account);
    inputs.upload(Files.writeString(dir.resolve("short.json"), RAMP.formatted(4)), "md/short.json");
    inputs.upload(Files.writeString(dir.resolve("longer.json"), RAMP.formatted(12)), "md/longer.json");
  }

  /** One service in its own JVM, told only where the registry is. */
  static ServiceProcess service(String name, int port, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port), "--data", data.toString(),
        "--services", name, "--registry", registryUrl, "--set", "identity.bcrypt-cost=4",
        "--set", "compute.cores=2", "--set", "compute.work-directory=" + dir.resolve("work"),
        "--set", "storage.price-per-gib-year=100.00"));
    args.addAll(List.of(more));
    return ServiceProcess.start(name, logs, args);
  }

  @AfterAll
  static void stop() throws Exception {
    if (ada != null) {
      ada.close();
    }
    for (ServiceProcess process : new ServiceProcess[] {compute, storage, accounting, identity, registry}) {
      if (process != null) {
        process.close();
      }
    }
  }

  static JobSpec spec(String input) {
    return JobSpec.workload("md-equilibrate").input(inputs, input).cores(1).memoryMib(256)
        .maxRuntime(Duration.ofMinutes(3)).paidBy(account);
  }

  @Test
  void eachServiceIsListedAtItsOwnProcessesUrl() {
    for (ServiceProcess process : List.of(identity, accounting, storage, compute)) {
      String name = process.toString().replaceAll("ServiceProcess\\[(\\w+) .*", "$1");
      assertEquals(process.url() + "/t/" + name, ada.serviceUrl(name), name);
    }
  }

  @Test
  void storageOnItsOwnHostIsPaidAndRefundedThroughAccountingsEndpoints() throws Exception {
    Money before = account.balance();
    Drive data = Drive.open(ada, "paid data", account);
    data.upload(Files.write(dir.resolve("mib.bin"), new byte[1024 * 1024]), "mib.bin");
    assertEquals(before.minus(Money.of("0.10", "GBP")), account.balance(), "a year of 1 MiB at 100.00 a GiB-year");
    assertEquals(Money.of("0.09", "GBP"), data.delete("mib.bin", 1).refunded(), "the unused year, rounded down");
    assertEquals(before.minus(Money.of("0.01", "GBP")), account.balance());
    assertTrue(account.statement().stream().anyMatch(l -> l.description().startsWith(
        "storage refund: drive paid data, mib.bin v1 deleted")));
  }

  @Test
  void aJobRunsAcrossFiveProcessesAndCostsNoMoreThanItsQuote() {
    Money before = account.balance();
    Quote quote = Job.quote(ada, spec("md/short.json"));
    Job job = quote.submit();
    assertEquals(1, account.status().holds().size(), "compute held the quote through accounting's endpoint");
    assertEquals(JobStatus.COMPLETED, job.waitFor(Duration.ofSeconds(120)), job.message().orElse(""));
    Money cost = job.cost().orElseThrow();
    assertTrue(cost.isPositive() && cost.compareTo(quote.price()) <= 0, cost + " vs quote " + quote.price());
    assertEquals(before.minus(cost), account.balance(), "only the cost left the account");
    assertTrue(account.status().holds().isEmpty(), "the rest of the hold was released");
    assertEquals(81, job.getTemperature().size(), "the records streamed to the output drive storage made");
    assertTrue(job.outputs().isReadOnly());
  }

  @Test
  void identityRotatesItsKeyAndSessionsSignedBeforeKeepWorkingInTheOtherProcesses() throws Exception {
    String oldKey = registered("identity").publicKey();
    identity.close();
    identity = service("identity", identity.port(), "--rotate-key", "--key-grace-hours", "1");
    ServiceInfo listed = registered("identity");
    assertNotEquals(oldKey, listed.publicKey());
    assertEquals(List.of(oldKey), listed.retiringKeys().stream().map(ServiceInfo.RetiringKey::publicKey).toList());

    assertTrue(account.balance().isPositive(), "ada's session, signed with the old key, still reaches accounting");
    assertFalse(inputs.files().isEmpty(), "and storage");
    // Bob's certificate is signed with the new key, which the other processes learn from the registry when they meet it.
    try (User bob = RealLogins.loggedIn(User.builder().username("bob").identityUrl(identity.url() + "/t/identity")
        .registryUrl(registryUrl).build())) {
      assertTrue(Account.create(bob, "main").balance().isPositive());
      assertEquals("inputs", Drive.open(bob, "inputs").name());
    }
  }

  private static ServiceInfo registered(String name) throws Exception {
    java.net.http.HttpResponse<byte[]> response = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(registryUrl + "/services/" + name)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, response.statusCode());
    return Json.read(response.body(), ServiceInfo.class);
  }

  @Test
  void aJobThatEndsWhileAccountingIsDownIsChargedOnceWhenItIsBack() throws Exception {
    Money before = account.balance();
    Quote quote = Job.quote(ada, spec("md/longer.json"));
    Job job = quote.submit();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (job.getTemperature().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertEquals(JobStatus.RUNNING, job.status(), "the job is running when accounting goes");
    accounting.kill();
    // Compute keeps the settlement it cannot send, so the job ends while accounting is down.
    assertEquals(JobStatus.COMPLETED, job.waitFor(Duration.ofSeconds(60)), job.message().orElse(""));
    Money cost = job.cost().orElseThrow();
    assertTrue(cost.isPositive() && cost.compareTo(quote.price()) <= 0, cost + " vs quote " + quote.price());
    accounting = service("accounting", accounting.port());

    deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!account.status().holds().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(250);
    }
    assertTrue(account.status().holds().isEmpty(), "the kept settlement was sent once accounting was back");
    assertEquals(before.minus(cost), account.balance(), "charged once, exactly the cost");
    List<StatementLine> lines = account.statement();
    String hold = lines.stream().filter(l -> l.kind().equals("hold") && l.description().contains(job.id()))
        .map(StatementLine::reference).findFirst().orElseThrow();
    List<StatementLine> captures = lines.stream()
        .filter(l -> l.kind().equals("capture") && l.description().equals("capture of " + hold)).toList();
    assertEquals(1, captures.size(), "one capture of the job's hold: " + lines);
    assertEquals(Money.zero(cost.currency()).minus(cost), captures.get(0).amount());
  }

  @Test
  void computeKilledWhileAJobRunsIsRestartedAndTheJobEndsFailedAndFree() throws Exception {
    Money before = account.balance();
    Job job = Job.quote(ada, spec("md/longer.json")).submit();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (job.getTemperature().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertEquals(JobStatus.RUNNING, job.status());
    compute.kill();
    compute = service("compute", compute.port());

    // The restarted process finds the job's heartbeat stopped and ends it through accounting on another host.
    assertEquals(JobStatus.FAILED, job.waitFor(Duration.ofSeconds(180)));
    assertTrue(job.message().orElseThrow().contains("nothing was charged"), job.message().orElseThrow());
    assertEquals(Money.zero(before.currency()), job.cost().orElseThrow());
    deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!account.status().holds().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(250);
    }
    assertTrue(account.status().holds().isEmpty(), "the hold was released");
    assertEquals(before, account.balance(), "nothing was charged");
    assertFalse(job.getTemperature().isEmpty(), "what the job sent before compute died is kept");
  }
}

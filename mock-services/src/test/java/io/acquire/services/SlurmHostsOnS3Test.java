package io.acquire.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.acquire.client.Account;
import io.acquire.client.Drive;
import io.acquire.client.Job;
import io.acquire.client.JobSpec;
import io.acquire.client.JobStatus;
import io.acquire.client.Money;
import io.acquire.client.Quote;
import io.acquire.client.User;
import io.acquire.client.StatementLine;
import io.acquire.services.store.S3ObjectStore;
import io.acquire.services.testing.RealLogins;
import io.acquire.services.testing.S3Proxy;
import io.acquire.services.testing.ServiceProcess;
import io.acquire.services.testing.SlurmCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The five services in five JVMs over one S3 store (S3Proxy), with two compute processes
 * sharing one Slurm cluster (scripts/slurm-cluster.sh). One compute process is killed
 * (SIGKILL) while its jobs run in Slurm: the other takes them over when its lease lapses
 * (see JobLeases), and every job finishes, lands its records and outputs, and is charged
 * exactly once, so the books are exact afterwards.
 */
class SlurmHostsOnS3Test {
  static final String RAMP = "{\"system\":{\"cellsPerSide\":4,\"density\":1.374,\"cutoffSigmas\":2.5},\"protocol\":"
      + "{\"runtime\":%d,\"timestep\":5,\"startTemperature\":60,\"endTemperature\":120,\"reportInterval\":0.05,"
      + "\"seed\":7}}";
  static final String BUCKET = "acquire";
  static final String PREFIX = "hosts";
  static final int LEASE_SECONDS = 4;

  @TempDir
  static Path dir;
  static Path logs;
  static S3Proxy s3;
  static SlurmCluster slurm;
  static List<String> storeArgs;
  static Map<String, String> credentials;
  static String registryUrl;
  static final List<ServiceProcess> processes = new ArrayList<>();
  static ServiceProcess identity;
  static ServiceProcess computeA;
  static ServiceProcess computeB;
  static User ada;
  static User bob;
  static io.acquire.client.wire.Totp adaAuthenticator;

  @BeforeAll
  static void start() throws Exception {
    slurm = SlurmCluster.get(); // skips the class, saying why, where Slurm is not installed
    // Kept after the run (each process's output), for reading when something went wrong.
    logs = Path.of("target", "slurm-hosts-logs").toAbsolutePath();
    if (Files.isDirectory(logs)) {
      try (var old = Files.list(logs)) {
        for (Path file : old.toList()) {
          Files.delete(file);
        }
      }
    }
    Files.createDirectories(logs);
    s3 = S3Proxy.start(Files.createDirectories(dir.resolve("s3")));
    s3.createBucket(BUCKET);
    Path keys = Files.createDirectories(dir.resolve("keys"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    storeArgs = List.of("--store", "s3://" + BUCKET + "/" + PREFIX, "--s3-endpoint", s3.endpoint().toString(),
        "--s3-region", "us-east-1", "--master-key", keys.resolve("master-key.json").toString());
    credentials = Map.of("AWS_ACCESS_KEY_ID", s3.accessKey(), "AWS_SECRET_ACCESS_KEY", s3.secretKey());

    ServiceProcess registry = started("registry", List.of("--services", "registry"));
    registryUrl = registry.url() + "/t/registry";
    // One after another: side by side they only compete for a loaded machine's two cores.
    identity = service("identity");
    service("accounting");
    service("storage");
    computeA = service("compute");

    io.acquire.client.wire.Totp[] authenticator = new io.acquire.client.wire.Totp[1];
    ada = RealLogins.loggedIn(user("ada"), authenticator);
    adaAuthenticator = authenticator[0];
    // Ada's SDK looks compute up now, while the registry lists process A; Bob's, after B registers.
    assertEquals(computeA.url() + "/t/compute", ada.serviceUrl("compute"));
    computeB = service("compute");
    bob = RealLogins.loggedIn(user("bob"));
    assertEquals(computeB.url() + "/t/compute", bob.serviceUrl("compute"));
  }

  static ServiceProcess started(String name, List<String> args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--port", "0"));
    all.addAll(storeArgs);
    all.addAll(args);
    ServiceProcess process = ServiceProcess.start(name, logs, all, credentials);
    processes.add(process);
    return process;
  }

  /** One service in its own JVM, told only where the registry is; compute runs its jobs on the Slurm cluster. */
  static ServiceProcess service(String name) throws Exception {
    List<String> args = new ArrayList<>(List.of("--services", name, "--registry", registryUrl,
        "--set", "identity.bcrypt-cost=4", "--set", "compute.job-lease-seconds=" + LEASE_SECONDS,
        "--set", "compute.work-directory=" + dir.resolve("work")));
    slurm.computeOptions().forEach((option, value) -> args.addAll(List.of("--set", option + "=" + value)));
    return started(name, args);
  }

  static User user(String name) {
    return User.builder().username(name).identityUrl(identity.url() + "/t/identity").registryUrl(registryUrl).build();
  }

  @AfterAll
  static void stop() throws Exception {
    for (User user : new User[] {ada, bob}) {
      if (user != null) {
        user.close();
      }
    }
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  static Quote quote(User user, Account account, Drive inputs, String path, int picoseconds) throws Exception {
    inputs.upload(Files.writeString(dir.resolve(user.username() + "-" + picoseconds + ".json"),
        RAMP.formatted(picoseconds)), path);
    return Job.quote(user, JobSpec.workload("md-equilibrate").input(inputs, path).cores(1).memoryMib(256)
        .maxRuntime(Duration.ofMinutes(3)).paidBy(account));
  }

  @Test
  void jobsOfAComputeProcessKilledMidRunFinishUnderTheOtherAndAreChargedExactlyOnce() throws Exception {
    Account adas = Account.create(ada, "simulations");
    Account bobs = Account.create(bob, "simulations");
    Drive adaInputs = Drive.open(ada, "inputs");
    Drive bobInputs = Drive.open(bob, "inputs");
    List<Money> before = List.of(adas.balance(), bobs.balance());

    List<Quote> quotes = List.of(quote(ada, adas, adaInputs, "md/short.json", 6),
        quote(ada, adas, adaInputs, "md/long.json", 40), quote(bob, bobs, bobInputs, "md/short.json", 6));
    List<Job> submitted = quotes.stream().map(Quote::submit).toList();
    List<Integer> records = List.of(121, 801, 121);
    assertEquals(before, List.of(adas.balance(), bobs.balance()), "nothing is charged yet; the quotes are held");
    assertEquals(quotes.get(0).price().plus(quotes.get(1).price()), held(adas));
    assertEquals(quotes.get(2).price(), held(bobs));

    try (S3ObjectStore store = s3.storeBuilder(BUCKET, PREFIX).build()) {
      String a = holder(store, submitted.get(0));
      String b = holder(store, submitted.get(2));
      assertEquals(a, holder(store, submitted.get(1)), "ada's jobs went to process A");
      assertNotEquals(a, b, "bob's went to process B");

      // A is killed once its long job runs on the cluster and streams records.
      Job longJob = submitted.get(1);
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (longJob.getTemperature().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertEquals(JobStatus.RUNNING, longJob.status(), longJob.message().orElse(""));
      computeA.kill();

      // Ada's SDK knew only A; logged in again, it finds compute through the registry, which lists B.
      try (User again = RealLogins.loggedInAgain(user("ada"), adaAuthenticator)) {
        assertEquals(computeB.url() + "/t/compute", again.serviceUrl("compute"));
        List<Job> jobs = List.of(Job.get(again, submitted.get(0).id()), Job.get(again, submitted.get(1).id()),
            submitted.get(2));
        for (int i = 0; i < jobs.size(); i++) {
          Job job = jobs.get(i);
          assertEquals(JobStatus.COMPLETED, job.waitFor(Duration.ofSeconds(120)), job.id() + ": " + job.message());
          Money cost = job.cost().orElseThrow();
          assertTrue(cost.isPositive() && cost.compareTo(quotes.get(i).price()) <= 0,
              job.id() + " cost " + cost + " vs quote " + quotes.get(i).price());
          assertEquals(records.get(i), job.getTemperature().size(), job.id() + "'s records all landed");
          List<String> outputs = job.outputs().files().stream().map(f -> f.path()).toList();
          assertTrue(outputs.containsAll(List.of("records.csv", "summary.json", "job.log")), outputs.toString());
          assertEquals(b, holder(store, job), job.id() + " was ended by process B");
        }

        // The books: every hold settled once, by exactly the job's cost.
        List<Account> accounts = List.of(Account.open(again, "simulations"), bobs);
        List<List<Job>> paidBy = List.of(jobs.subList(0, 2), jobs.subList(2, 3));
        for (int n = 0; n < 2; n++) {
          Account account = accounts.get(n);
          assertTrue(account.status().holds().isEmpty(), "every hold was settled: " + account.status());
          Money costs = paidBy.get(n).stream().map(j -> j.cost().orElseThrow()).reduce(Money::plus).orElseThrow();
          assertEquals(before.get(n).minus(costs), account.balance(), "exactly the costs left " + account);
          List<StatementLine> lines = account.statement();
          for (Job job : paidBy.get(n)) {
            String hold = lines.stream().filter(l -> l.kind().equals("hold") && l.description().contains(job.id()))
                .map(StatementLine::reference).findFirst().orElseThrow();
            List<StatementLine> captures = lines.stream()
                .filter(l -> l.kind().equals("capture") && l.description().equals("capture of " + hold)).toList();
            assertEquals(1, captures.size(), "one capture of " + job.id() + "'s hold: " + lines);
            Money cost = job.cost().orElseThrow();
            assertEquals(Money.zero(cost.currency()).minus(cost), captures.get(0).amount());
          }
        }
      }
    }
  }

  static Money held(Account account) {
    return account.status().holds().stream().map(h -> h.amount())
        .reduce(Money.zero(account.balance().currency()), Money::plus);
  }

  /** The compute process holding the job, as its record in the store names it. */
  static String holder(S3ObjectStore store, Job job) throws Exception {
    JsonNode record = new ObjectMapper().readTree(store.get("compute/jobs/" + job.id()).orElseThrow().data());
    return record.get("executor").asText();
  }
}

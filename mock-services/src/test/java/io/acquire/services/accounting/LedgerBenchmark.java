package io.acquire.services.accounting;

import static io.acquire.services.accounting.AccountingFixture.json;

import io.acquire.services.AcquireServer;
import io.acquire.services.store.LocalObjectStore;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.store.ObjectStore;
import io.acquire.services.store.CountingS3Client;
import io.acquire.services.store.S3ObjectStore;
import io.acquire.services.testing.S3Proxy;
import io.acquire.services.testing.TestSessions;
import io.acquire.services.testing.TestSessions.Reply;
import io.acquire.services.testing.TestSessions.Session;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ledger throughput: 16 concurrent clients, each its own user, sending signed transfers
 * over HTTP to one backend process, against a durable local store and, as baselines in the
 * same run, an in-memory store and signed account reads (the HTTP and signature layer
 * alone). Clients and backend share this JVM and the machine's cores, so every figure
 * includes the clients' signing and HTTP too.
 *
 * <p>After a warm-up of each kind (so the JIT has compiled every path), the three kinds run in
 * alternating rounds, and the best and median of each are printed, with the CPU time this
 * JVM spent per request and the requests per ledger batch. Every run ends by replaying the
 * log and checking that the books balance exactly.
 *
 * <p>With {@code s3} as the third argument, a fourth kind runs in the same rounds: transfers
 * with the backend's whole state on S3 (S3Proxy, started here as a child JVM, keeping its
 * objects as files on the same disk), against the durable local store, with the S3 requests
 * the backend made per transfer.
 *
 * <pre>scripts/benchmark.sh io.acquire.services.accounting.LedgerBenchmark [rounds] [seconds] [s3]</pre>
 */
public final class LedgerBenchmark {
  private static final int CLIENTS = 16;
  private static final String S3_KIND = "transfers, S3 (S3Proxy, files on local disk)";

  private LedgerBenchmark() {}

  private record Round(double perSecond, double cpuMicrosPerRequest, double perBatch) {}

  private interface Kind {
    Round run(int seconds) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    boolean onS3 = args.length > 2 && args[2].equals("s3");
    Path dir = Files.createTempDirectory("ledger-bench");
    try (LocalObjectStore durableStore = LocalObjectStore.open(dir.resolve("local"));
         S3Proxy s3 = onS3 ? S3Proxy.start(Files.createDirectories(dir.resolve("s3"))) : null;
         CountingS3Client counter = onS3 ? new CountingS3Client(s3) : null;
         S3ObjectStore s3Store = onS3 ? s3.storeBuilder("ledger", "bench").client(counter.client()).build() : null;
         Bench durable = new Bench(durableStore, true);
         Bench memory = new Bench(new MemoryObjectStore(), true);
         Bench reads = new Bench(new MemoryObjectStore(), false);
         Bench onS3Store = onS3 ? new Bench(s3Store, true) : null) {
      // Each kind once, unmeasured, so the JIT has compiled every path before any round counts.
      System.out.printf("warming up: %d s of each kind%n", seconds);
      memory.run(seconds);
      durable.run(seconds);
      reads.run(seconds);
      Map<String, Kind> kinds = new LinkedHashMap<>();
      kinds.put("transfers, durable local store", durable::run);
      kinds.put("transfers, in-memory store (baseline)", memory::run);
      kinds.put("signed account reads, in-memory (HTTP + signatures)", reads::run);
      if (onS3) {
        onS3Store.run(seconds);
        kinds.put(S3_KIND, onS3Store::run);
      }
      Map<String, List<Round>> results = new LinkedHashMap<>();
      for (int r = 0; r < rounds; r++) {
        for (Map.Entry<String, Kind> kind : kinds.entrySet()) {
          if (onS3) {
            counter.take();
          }
          Round round = kind.getValue().run(seconds);
          results.computeIfAbsent(kind.getKey(), k -> new ArrayList<>()).add(round);
          System.out.printf("  round %d  %-52s %7.0f /s  %6.0f us CPU each  %5.1f per batch%n", r + 1,
              kind.getKey(), round.perSecond(), round.cpuMicrosPerRequest(), round.perBatch());
          if (kind.getKey().equals(S3_KIND)) {
            double transfers = round.perSecond() * seconds;
            StringBuilder each = new StringBuilder();
            counter.take().forEach((request, n) -> each.append(String.format(" %s %.2f", request, n / transfers)));
            System.out.println("           S3 requests per transfer:" + each);
          }
        }
      }
      System.out.printf("%n%d clients, %d rounds of %d s, %d cores%n", CLIENTS, rounds, seconds,
          Runtime.getRuntime().availableProcessors());
      for (Map.Entry<String, List<Round>> result : results.entrySet()) {
        List<Round> sorted = result.getValue().stream().sorted(Comparator.comparingDouble(Round::perSecond)).toList();
        System.out.printf("%-52s best %6.0f /s, median %6.0f /s, worst %6.0f /s; median CPU %5.0f us each%n",
            result.getKey(), sorted.get(sorted.size() - 1).perSecond(), sorted.get(sorted.size() / 2).perSecond(),
            sorted.get(0).perSecond(), sorted.get(sorted.size() / 2).cpuMicrosPerRequest());
      }
      double durableMedian = median(results.get("transfers, durable local store"));
      double memoryMedian = median(results.get("transfers, in-memory store (baseline)"));
      double readsMedian = median(results.get("signed account reads, in-memory (HTTP + signatures)"));
      System.out.printf("ratio durable / in-memory transfers (medians): %.2f%n", durableMedian / memoryMedian);
      System.out.printf("ratio in-memory transfers / signed reads (medians): %.2f%n", memoryMedian / readsMedian);
      if (onS3) {
        System.out.printf("ratio S3 / durable local transfers (medians): %.2f%n", median(results.get(S3_KIND)) / durableMedian);
        onS3Store.checkBooks();
      }
      durable.checkBooks();
      memory.checkBooks();
      System.out.println("books balance exactly after every run (log replayed by a fresh ledger)");
    }
  }

  private static double median(List<Round> rounds) {
    return rounds.stream().mapToDouble(Round::perSecond).sorted().toArray()[rounds.size() / 2];
  }

  /** One backend with 16 funded users, kept across rounds. */
  private static final class Bench implements AutoCloseable {
    private final ObjectStore store;
    private final boolean transfers;
    private final AcquireServer server;
    private final List<Session> users = new ArrayList<>();
    private final List<String> accounts = new ArrayList<>();
    private final AtomicLong keys = new AtomicLong();

    Bench(ObjectStore store, boolean transfers) {
      this.store = store;
      this.transfers = transfers;
      this.server = AcquireServer.builder().store(store).port(0).services(List.of("registry", "accounting"))
          .option("accounting.demo-credit", "1000000.00").start();
      TestSessions issuer = new TestSessions(store, server.url());
      for (int i = 0; i < CLIENTS; i++) {
        Session user = issuer.login("bench" + i);
        users.add(user);
        accounts.add(json(user.send("POST", "/t/accounting/accounts", "{\"name\":\"main\"}")).get("id").asText());
      }
    }

    Round run(int seconds) throws Exception {
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      AtomicLong done = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      long batchesBefore = batches();
      long cpuBefore = os.getProcessCpuTime();
      long start = System.nanoTime();
      long deadline = start + seconds * 1_000_000_000L;
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        futures.add(pool.submit(() -> {
          long n = 0;
          while (System.nanoTime() < deadline) {
            Reply reply = transfers
                ? users.get(client).send("POST", "/t/accounting/transfers", "{\"from\":\"" + accounts.get(client)
                    + "\",\"to\":\"" + accounts.get((client + 1 + (int) (n % (CLIENTS - 1))) % CLIENTS)
                    + "\",\"idempotencyKey\":\"k" + keys.incrementAndGet() + "\",\"amount\":"
                    + AccountingFixture.money("0.01") + "}")
                : users.get(client).send("GET", "/t/accounting/accounts/" + accounts.get(client), null);
            (reply.status() == 200 ? done : failed).incrementAndGet();
            n++;
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      pool.shutdown();
      double elapsed = (System.nanoTime() - start) / 1e9;
      double cpu = (os.getProcessCpuTime() - cpuBefore) / 1e3;
      if (failed.get() > 0) {
        throw new AssertionError(failed.get() + " requests failed");
      }
      long batches = batches() - batchesBefore;
      return new Round(done.get() / elapsed, cpu / done.get(), batches == 0 ? 0 : done.get() / (double) batches);
    }

    private long batches() {
      long seq = 0;
      while (store.log(Ledger.LOG).read(seq).isPresent()) {
        seq += 1024;
      }
      long low = Math.max(0, seq - 1024);
      while (store.log(Ledger.LOG).read(low).isPresent()) {
        low++;
      }
      return low;
    }

    void checkBooks() {
      if (transfers) {
        LedgerConcurrencyTest.assertLedgerBalances(store, CLIENTS);
      }
    }

    @Override
    public void close() {
      server.close();
    }
  }
}

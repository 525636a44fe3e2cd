package io.acquire.services.accounting;

import static io.acquire.services.accounting.AccountingFixture.json;

import io.acquire.services.AcquireServer;
import io.acquire.services.store.LocalObjectStore;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.store.ObjectStore;
import io.acquire.services.testing.TestSessions;
import io.acquire.services.testing.TestSessions.Reply;
import io.acquire.services.testing.TestSessions.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ledger throughput: 16 concurrent clients, each its own user, sending signed transfers
 * over HTTP for a fixed time, against a durable local store and, as the baseline in the
 * same run, an in-memory store; plus signed reads, to show what the HTTP and signature
 * layer alone costs. Run with {@code scripts/benchmark.sh io.acquire.services.accounting.LedgerBenchmark}.
 */
public final class LedgerBenchmark {
  private static final int CLIENTS = 16;
  private static final long SECONDS = 15;

  private LedgerBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("ledger-bench");
    double durable;
    try (LocalObjectStore store = LocalObjectStore.open(dir)) {
      durable = run(store, "transfers, durable local store", true);
    }
    double memory = run(new MemoryObjectStore(), "transfers, in-memory store (baseline)", true);
    double reads = run(new MemoryObjectStore(), "signed account reads, in-memory (HTTP + signature cost)", false);
    System.out.printf("ratio durable / in-memory transfers: %.2f%n", durable / memory);
    System.out.printf("ratio in-memory transfers / signed reads: %.2f%n", memory / reads);
  }

  private static double run(ObjectStore store, String label, boolean transfers) throws Exception {
    try (AcquireServer server = AcquireServer.builder().store(store).port(0)
        .services(List.of("registry", "accounting")).option("accounting.demo-credit", "1000000.00").start()) {
      TestSessions issuer = new TestSessions(store, server.url());
      List<Session> users = new ArrayList<>();
      List<String> accounts = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        Session user = issuer.login("bench" + i);
        users.add(user);
        accounts.add(json(user.send("POST", "/t/accounting/accounts", "{\"name\":\"main\"}")).get("id").asText());
      }
      AtomicLong done = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
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
                    + "\",\"idempotencyKey\":\"" + client + "-" + n + "\",\"amount\":"
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
      double rate = done.get() / (double) SECONDS;
      System.out.printf("%-58s %8.0f /s  (%d ok, %d failed, %d clients, %d s)%n", label, rate, done.get(),
          failed.get(), CLIENTS, SECONDS);
      if (transfers) {
        LedgerConcurrencyTest.assertLedgerBalances(store, CLIENTS);
      }
      return rate;
    }
  }
}

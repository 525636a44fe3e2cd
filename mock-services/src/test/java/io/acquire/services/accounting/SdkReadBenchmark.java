package io.acquire.services.accounting;

import io.acquire.client.Account;
import io.acquire.client.User;
import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.SessionCertificate;
import io.acquire.client.wire.SigningKey;
import io.acquire.client.wire.VerifyingKey;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.TestSessions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Signed reads through the SDK against the same reads from a bare HTTP client, both in one
 * run: 1, 4 and 16 threads in this JVM, one user and one account, reading {@code GET
 * /t/accounting/accounts/{id}} from a backend in a JVM of its own (registry and accounting
 * on an in-memory store, as LedgerBenchmark's reads). The SDK path is {@link
 * Account#status()}: signing, OkHttp, error mapping and JSON mapping into a record. The bare
 * client is OkHttp with 64 idle connections, the same signature, and the answer's bytes. A
 * third kind is the SDK given OkHttp's default client (5 idle connections), as the SDK was
 * before it sized its own pool.
 *
 * <p>For each thread count the two kinds alternate for the given rounds after a warm-up;
 * printed per kind: every round, min, median and max, CPU per read in this JVM and in the
 * backend's, and the sockets left in TIME_WAIT towards the backend's port (a client that
 * reconnects per call leaves one per call). The verdict is the ratio SDK / bare of medians.
 *
 * <pre>scripts/benchmark.sh io.acquire.services.accounting.SdkReadBenchmark [rounds] [seconds]</pre>
 */
public final class SdkReadBenchmark {
  private static final int[] THREADS = {1, 4, 16};

  private SdkReadBenchmark() {}

  private record Round(double perSecond, double clientCpuMicros, double serverCpuMicros, int timeWait) {}

  private interface Reader {
    void read() throws IOException;
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path logs = Files.createTempDirectory("sdk-read-bench");
    Process backend = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", System.getProperty("java.class.path"), Backend.class.getName())
        .redirectError(logs.resolve("backend.log").toFile()).start();
    try {
      SigningKey key = SigningKey.generate();
      PrintStream toBackend = new PrintStream(backend.getOutputStream(), true, StandardCharsets.UTF_8);
      BufferedReader fromBackend = new BufferedReader(new InputStreamReader(backend.getInputStream(), StandardCharsets.UTF_8));
      toBackend.println(key.verifyingKey().toBase64Url());
      String url = fromBackend.readLine();
      String token = fromBackend.readLine();
      if (url == null || token == null) {
        throw new IllegalStateException("The backend did not start; see " + logs.resolve("backend.log"));
      }
      int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
      SessionCertificate certificate = SessionCertificate.parseUnverified(token);
      try (User user = User.builder().username("reader").identityUrl(url + "/t/identity")
          .session(key.exportSeedUnsafe(), certificate.token()).build()) {
        Account account = Account.create(user, "main");
        String path = "/t/accounting/accounts/" + account.id();
        OkHttpClient bare = new OkHttpClient.Builder().connectionPool(new ConnectionPool(64, 5, TimeUnit.MINUTES)).build();
        Map<String, Reader> kinds = new LinkedHashMap<>();
        kinds.put("SDK (Account.status)", account::status);
        // The SDK as it was before its pool was sized: OkHttp's defaults, 5 idle connections.
        OkHttpClient defaults = new OkHttpClient();
        User before = User.builder().username("reader").identityUrl(url + "/t/identity").httpClient(defaults)
            .session(key.exportSeedUnsafe(), certificate.token()).build();
        Account beforeAccount = Account.list(before).get(0);
        kinds.put("SDK, OkHttp's default pool", beforeAccount::status);
        kinds.put("bare OkHttp client (baseline)", () -> {
          Request.Builder request = new Request.Builder().url(url + path).get();
          RequestSignature.sign(key, certificate, "GET", path, new byte[0], Instant.now().getEpochSecond())
              .forEach(request::header);
          try (Response response = bare.newCall(request.build()).execute()) {
            byte[] body = response.body().bytes();
            if (response.code() != 200 || body.length == 0) {
              throw new IOException("HTTP " + response.code());
            }
          }
        });
        // Both JVMs compile the whole path before any round counts: a fresh backend took about 10 s to.
        int warmUp = Math.max(5, 2 * seconds);
        System.out.printf("warming up: %d s of each kind with 16 threads, then with 1%n", warmUp);
        for (int threads : new int[] {16, 1}) {
          for (Reader reader : kinds.values()) {
            run(reader, threads, warmUp, backend, port);
          }
        }
        List<String> verdicts = new ArrayList<>();
        for (int threads : THREADS) {
          Map<String, List<Round>> results = new LinkedHashMap<>();
          for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, Reader> kind : kinds.entrySet()) {
              Round round = run(kind.getValue(), threads, seconds, backend, port);
              results.computeIfAbsent(kind.getKey(), k -> new ArrayList<>()).add(round);
              System.out.printf("  %2d threads  round %d  %-30s %7.0f reads/s  CPU per read: client %4.0f us,"
                  + " backend %4.0f us  TIME_WAIT added %d%n", threads, r + 1, kind.getKey(), round.perSecond(),
                  round.clientCpuMicros(), round.serverCpuMicros(), round.timeWait());
            }
          }
          double[] medians = new double[kinds.size()];
          int i = 0;
          for (Map.Entry<String, List<Round>> result : results.entrySet()) {
            List<Round> sorted = result.getValue().stream()
                .sorted(java.util.Comparator.comparingDouble(Round::perSecond)).toList();
            Round median = sorted.get(sorted.size() / 2);
            medians[i++] = median.perSecond();
            System.out.printf("%2d threads  %-30s min %6.0f, median %6.0f, max %6.0f reads/s; median round's CPU"
                + " per read: client %4.0f us, backend %4.0f us%n", threads, result.getKey(), sorted.get(0).perSecond(),
                median.perSecond(), sorted.get(sorted.size() - 1).perSecond(), median.clientCpuMicros(),
                median.serverCpuMicros());
          }
          verdicts.add(String.format("%2d threads: SDK / bare (medians) %.2f, SDK median %.0f reads/s;"
              + " with OkHttp's default pool %.2f", threads, medians[0] / medians[2], medians[0], medians[1] / medians[2]));
        }
        System.out.printf("%n%d rounds of %d s per kind and thread count, %d cores, backend in its own JVM%n", rounds,
            seconds, Runtime.getRuntime().availableProcessors());
        verdicts.forEach(System.out::println);
        bare.connectionPool().evictAll();
        defaults.connectionPool().evictAll();
        defaults.dispatcher().executorService().shutdown();
        bare.dispatcher().executorService().shutdown();
      }
    } finally {
      backend.getOutputStream().close();
      if (!backend.waitFor(20, TimeUnit.SECONDS)) {
        backend.destroyForcibly();
      }
    }
  }

  private static Round run(Reader reader, int threads, int seconds, Process backend, int port) throws Exception {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    AtomicLong done = new AtomicLong();
    long cpuBefore = os.getProcessCpuTime();
    long serverBefore = cpuNanos(backend);
    int timeWaitBefore = timeWait(port);
    long start = System.nanoTime();
    long deadline = start + seconds * 1_000_000_000L;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      futures.add(pool.submit(() -> {
        while (System.nanoTime() < deadline) {
          reader.read();
          done.incrementAndGet();
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    double elapsed = (System.nanoTime() - start) / 1e9;
    double clientCpu = (os.getProcessCpuTime() - cpuBefore) / 1e3;
    double serverCpu = (cpuNanos(backend) - serverBefore) / 1e3;
    return new Round(done.get() / elapsed, clientCpu / done.get(), serverCpu / done.get(), Math.max(0, timeWait(port) - timeWaitBefore));
  }

  private static long cpuNanos(Process process) {
    return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  /** Sockets in TIME_WAIT with the backend's port at either end, from /proc/net/tcp (0 where there is none). */
  private static int timeWait(int port) {
    String hexPort = String.format(":%04X", port);
    int count = 0;
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      try {
        for (String line : Files.readAllLines(Path.of(table))) {
          String[] fields = line.trim().split("\\s+");
          if (fields.length > 3 && fields[3].equals("06")
              && (fields[1].endsWith(hexPort) || fields[2].endsWith(hexPort))) {
            count++;
          }
        }
      } catch (IOException e) {
        return 0;
      }
    }
    return count;
  }

  /**
   * The backend JVM: registry and accounting on an in-memory store, with a stand-in identity
   * that certifies the key the benchmark sends on stdin. Prints its URL and the certificate,
   * then serves until stdin closes.
   */
  public static final class Backend {
    private Backend() {}

    public static void main(String[] args) throws Exception {
      MemoryObjectStore store = new MemoryObjectStore();
      try (AcquireServer server = AcquireServer.builder().store(store).port(0).host("127.0.0.1")
          .services(List.of("registry", "accounting")).start()) {
        TestSessions identity = new TestSessions(store, server.url());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        VerifyingKey key = VerifyingKey.fromBase64Url(in.readLine().trim());
        System.out.println(server.url());
        System.out.println(identity.certify("reader", key).token());
        System.out.flush();
        while (in.read() >= 0) {
          // Serve until the benchmark closes our stdin.
        }
      }
    }
  }
}

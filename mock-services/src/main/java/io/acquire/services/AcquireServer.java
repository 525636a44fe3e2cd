package io.acquire.services;

import io.acquire.client.wire.ErrorBody;
import io.acquire.client.wire.Json;
import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.ServiceInfo;
import io.acquire.client.wire.VerifyingKey;
import io.acquire.services.http.ApiException;
import io.acquire.services.http.NonceSweeper;
import io.acquire.services.http.RequestVerifier;
import io.acquire.services.http.Routes;
import io.acquire.services.accounting.AccountingService;
import io.acquire.services.compute.ComputeService;
import io.acquire.services.identity.IdentityService;
import io.acquire.services.registry.RegistryService;
import io.acquire.services.storage.StorageService;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.store.LocalObjectStore;
import io.acquire.services.store.ObjectStore;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The reference backend: any subset of the services on one HTTP port, over one store.
 *
 * <pre>{@code
 * try (AcquireServer server = AcquireServer.builder().store(new MemoryObjectStore()).port(0).start()) {
 *   String identity = server.url() + "/t/identity";
 * }
 * }</pre>
 */
public final class AcquireServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AcquireServer.class);
  private static final String REQUEST_ID = "acquire.requestId";

  /** Every service this backend can run, in start order, by name. */
  private static final Map<String, Function<ServiceContext, Service>> SERVICES = new LinkedHashMap<>();

  static {
    SERVICES.put("registry", RegistryService::new);
    SERVICES.put("identity", IdentityService::new);
    SERVICES.put("accounting", AccountingService::new);
    SERVICES.put("storage", StorageService::new);
    SERVICES.put("compute", ComputeService::new);
  }

  private final Javalin app;
  private final List<Service> services;
  private final java.util.concurrent.ScheduledExecutorService sweeper;
  private final Map<Class<?>, AutoCloseable> shared;
  private final ObjectStore store;
  private final boolean ownsStore;
  private final String url;

  private AcquireServer(Javalin app, List<Service> services, Map<Class<?>, AutoCloseable> shared, ObjectStore store,
      boolean ownsStore, String url, java.util.concurrent.ScheduledExecutorService sweeper) {
    this.app = app;
    this.services = services;
    this.shared = shared;
    this.sweeper = sweeper;
    this.store = store;
    this.ownsStore = ownsStore;
    this.url = url;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Names of the services this backend can run. */
  public static List<String> availableServices() {
    return List.copyOf(SERVICES.keySet());
  }

  /** The server root, such as {@code http://127.0.0.1:8080}; services are under {@code /t/<name>}. */
  public String url() {
    return url;
  }

  public int port() {
    return app.port();
  }

  public ObjectStore store() {
    return store;
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    app.stop();
    services.forEach(Service::close);
    for (AutoCloseable component : shared.values()) {
      try {
        component.close();
      } catch (Exception e) {
        log.warn("Closing {} failed", component.getClass().getSimpleName(), e);
      }
    }
    if (ownsStore) {
      store.close();
    }
  }

  public static final class Builder {
    private ObjectStore store;
    private boolean ownsStore;
    private String host = "127.0.0.1";
    private int port = 8080;
    private String publicUrl;
    private List<String> services = availableServices();
    private Clock clock = Clock.systemUTC();
    private Duration signatureWindow = RequestVerifier.DEFAULT_WINDOW;
    private long maxRequestBytes = 16L * 1024 * 1024;
    private final Map<String, String> options = new LinkedHashMap<>();

    private Builder() {}

    /** The store to serve from; the caller keeps ownership and closes it. */
    public Builder store(ObjectStore store) {
      this.store = Objects.requireNonNull(store, "store == null");
      this.ownsStore = false;
      return this;
    }

    /** Serve from a durable local store in {@code directory}, closed with the server. */
    public Builder dataDirectory(Path directory) {
      this.store = LocalObjectStore.open(directory);
      this.ownsStore = true;
      return this;
    }

    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host == null");
      return this;
    }

    /** The port to listen on; 0 picks a free one. Default 8080. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, not " + port);
      }
      this.port = port;
      return this;
    }

    /** The URL people and clients reach this server at, if not {@code http://host:port}. */
    public Builder publicUrl(String publicUrl) {
      this.publicUrl = publicUrl;
      return this;
    }

    public Builder services(List<String> names) {
      for (String name : names) {
        if (!SERVICES.containsKey(name)) {
          throw new IllegalArgumentException("Unknown service '" + name + "'. Known: " + String.join(", ", SERVICES.keySet()));
        }
      }
      this.services = List.copyOf(names);
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    public Builder signatureWindow(Duration window) {
      this.signatureWindow = Objects.requireNonNull(window, "window == null");
      return this;
    }

    /** An operator option {@code <service>.<key>}, as {@code --set} gives on the command line. */
    public Builder option(String key, String value) {
      options.put(key, value);
      return this;
    }

    public AcquireServer start() {
      if (store == null) {
        throw new IllegalStateException("A store is required: call store(...) or dataDirectory(...).");
      }
      ObjectStore store = this.store;
      JsonObjects objects = new JsonObjects(store);
      AtomicReference<String> root = new AtomicReference<>();
      // Issuers' keys are read from the registry once, when first needed: a process may serve
      // storage while identity and compute run elsewhere on the same store.
      Map<String, VerifyingKey> issuerKeys = new java.util.concurrent.ConcurrentHashMap<>();
      RequestVerifier verifier = new RequestVerifier(store, clock, issuer -> java.util.Optional.ofNullable(
          issuerKeys.computeIfAbsent(issuer, name -> RegistryService.lookup(objects, name)
              .map(info -> VerifyingKey.fromBase64Url(info.publicKey())).orElse(null))),
          signatureWindow);

      Javalin app = Javalin.create(config -> {
        config.showJavalinBanner = false;
        config.http.maxRequestSize = maxRequestBytes;
        config.http.prefer405over404 = true;
        // Downloads stream with exact lengths and byte ranges; compression would break both, and API answers are small.
        config.http.disableCompression();
        config.router.ignoreTrailingSlashes = true;
        config.jsonMapper(new JavalinJackson(Json.mapper(), false));
      });
      installErrorHandling(app);

      List<ServiceContext> contexts = new ArrayList<>();
      List<Service> started = new ArrayList<>();
      Map<Class<?>, AutoCloseable> shared = new LinkedHashMap<>();
      for (String name : services) {
        ServiceContext context = new ServiceContext(name, store, clock, ServiceKeys.load(store, name), verifier,
            root::get, options, shared);
        Service service = SERVICES.get(name).apply(context);
        String base = "/t/" + name;
        app.get(base, ctx -> ctx.json(context.info()));
        service.mount(new Routes(app, base, verifier));
        contexts.add(context);
        started.add(service);
      }

      app.start(host, port);
      String url = publicUrl != null ? stripSlash(publicUrl) : "http://" + host + ":" + app.port();
      root.set(url);
      for (ServiceContext context : contexts) {
        RegistryService.publish(objects, context.info());
      }
      log.info("Acquire backend serving {} at {}", services, url);
      // Used nonces pile up with every signed request; sweep the expired ones every minute.
      NonceSweeper nonces = new NonceSweeper(store, clock, signatureWindow);
      java.util.concurrent.ScheduledExecutorService sweeper = java.util.concurrent.Executors
          .newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "acquire-nonce-sweeper");
            thread.setDaemon(true);
            return thread;
          });
      sweeper.scheduleWithFixedDelay(() -> {
        try {
          nonces.sweep();
        } catch (RuntimeException e) {
          log.warn("Nonce sweep failed; it will run again", e);
        }
      }, 1, 1, java.util.concurrent.TimeUnit.MINUTES);
      return new AcquireServer(app, started, shared, store, ownsStore, url, sweeper);
    }

    private static String stripSlash(String url) {
      return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
  }

  /** One JSON error shape for everything, with a request id on every response. */
  private static void installErrorHandling(Javalin app) {
    app.before(ctx -> {
      // Request ids only tell requests apart in logs; they need no secure random source.
      String requestId = "req_" + HexFormat.of().toHexDigits(java.util.concurrent.ThreadLocalRandom.current().nextLong());
      ctx.attribute(REQUEST_ID, requestId);
      ctx.header(RequestSignature.REQUEST_ID_HEADER, requestId);
    });
    app.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.error(), e.getMessage()));
    app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), code(e.getStatus()), sentence(e)));
    app.exception(Exception.class, (e, ctx) -> {
      log.error("Unexpected failure in {} {} ({})", ctx.method(), ctx.path(), requestId(ctx), e);
      error(ctx, 500, "internal_error", "The service failed unexpectedly; quote request id " + requestId(ctx) + ".");
    });
    app.error(404, ctx -> {
      if (ctx.result() == null || ctx.result().isEmpty()) {
        error(ctx, 404, "not_found", "No endpoint " + ctx.method() + " " + ctx.path() + ".");
      }
    });
  }

  private static String sentence(HttpResponseException e) {
    return switch (e.getStatus()) {
      case 404 -> "No such endpoint.";
      case 405 -> "This endpoint does not accept that method.";
      case 413 -> "Request body is too large.";
      default -> e.getMessage();
    };
  }

  private static String code(int status) {
    return switch (status) {
      case 400 -> "invalid_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 409 -> "conflict";
      case 413 -> "too_large";
      case 416 -> "range_not_satisfiable";
      case 429 -> "too_many_requests";
      default -> status >= 500 ? "internal_error" : "error";
    };
  }

  private static void error(Context ctx, int status, String error, String message) {
    ctx.status(status).json(new ErrorBody(status, error, message, requestId(ctx)));
  }

  private static String requestId(Context ctx) {
    String id = ctx.attribute(REQUEST_ID);
    return id == null ? "unknown" : id;
  }

  /** {@code acquire-server}: starts the backend on embedded defaults. */
  @Command(name = "acquire-server", mixinStandardHelpOptions = true,
      description = "Runs the Acquire reference backend: services under /t/<name> on one port, state in a local "
          + "directory or an S3 bucket.")
  static final class Main implements Callable<Integer> {
    @Option(names = "--port", description = "Port to listen on (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port = 8080;

    @Option(names = "--host", description = "Address to bind (default ${DEFAULT-VALUE}; 0.0.0.0 to reach it from a phone).")
    String host = "127.0.0.1";

    @Option(names = "--data", description = "Directory of the local object store (default acquire-data).")
    Path data;

    @Option(names = "--store", paramLabel = "s3://BUCKET/PREFIX",
        description = "Keep all state in an S3 bucket instead of --data. Credentials come from the environment "
            + "(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, or an AWS profile).")
    String store;

    @Option(names = "--s3-endpoint", description = "An S3-compatible server's URL (default AWS_ENDPOINT_URL_S3 or "
        + "AWS_ENDPOINT_URL from the environment, else AWS S3 itself).")
    java.net.URI s3Endpoint;

    @Option(names = "--s3-region", description = "The bucket's region (default AWS_REGION, else us-east-1).")
    String s3Region;

    @Option(names = "--public-url", description = "URL clients reach this server at, if not http://host:port.")
    String publicUrl;

    @Option(names = "--services", split = ",", description = "Services to run (default: all).")
    List<String> services = availableServices();

    @Option(names = "--set", description = "Service option, e.g. --set identity.login-expiry-seconds=600.")
    Map<String, String> options = new LinkedHashMap<>();

    @Override
    public Integer call() throws InterruptedException {
      Builder builder = builder().host(host).port(port).publicUrl(publicUrl).services(services);
      ObjectStore s3 = null;
      String where;
      if (store != null) {
        if (data != null) {
          System.err.println("acquire-server: give either --data (a local directory) or --store (an S3 bucket), not both.");
          return 2;
        }
        try {
          s3 = openS3(store, s3Endpoint, s3Region);
        } catch (IllegalArgumentException | IllegalStateException e) {
          System.err.println("acquire-server: " + e.getMessage());
          return 2;
        }
        builder.store(s3);
        where = "store " + s3;
      } else {
        Path directory = data != null ? data : Path.of("acquire-data");
        builder.dataDirectory(directory);
        where = "data in " + directory.toAbsolutePath();
      }
      options.forEach(builder::option);
      AcquireServer server = builder.start();
      ObjectStore owned = s3;
      System.out.println("Acquire backend ready at " + server.url() + " (" + where + ")");
      for (ServiceInfo info : RegistryService.all(new JsonObjects(server.store()))) {
        System.out.println("  " + info.name() + "  " + info.url());
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        server.close();
        if (owned != null) {
          owned.close();
        }
        stopped.countDown();
      }));
      stopped.await();
      return 0;
    }
  }

  /**
   * An S3 store at {@code location} ({@code s3://bucket/prefix}); a null endpoint or region
   * comes from the environment as the AWS tools read it. Credentials always do.
   */
  static io.acquire.services.store.S3ObjectStore openS3(String location, java.net.URI endpoint, String region) {
    java.net.URI server = endpoint;
    for (String variable : List.of("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")) {
      String value = System.getenv(variable);
      if (server == null && value != null && !value.isBlank()) {
        server = java.net.URI.create(value.trim());
      }
    }
    return io.acquire.services.store.S3ObjectStore.builder().location(location).endpoint(server).region(region).build();
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }
}

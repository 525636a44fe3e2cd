package io.acquire.services;

import io.acquire.client.wire.ErrorBody;
import io.acquire.client.wire.Json;
import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.ServiceInfo;
import io.acquire.client.wire.SigningKey;
import io.acquire.services.http.ApiException;
import io.acquire.services.http.BodyLimit;
import io.acquire.services.http.NonceSweeper;
import io.acquire.services.http.RequestVerifier;
import io.acquire.services.http.Routes;
import io.acquire.services.http.ServiceCallVerifier;
import io.acquire.services.registry.ServiceClient;
import io.acquire.services.registry.ServiceDirectory;
import io.acquire.services.accounting.AccountingService;
import io.acquire.services.compute.ComputeService;
import io.acquire.services.identity.IdentityService;
import io.acquire.services.registry.RegistryService;
import io.acquire.services.storage.StorageService;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.store.LocalObjectStore;
import io.acquire.services.store.ObjectStore;
import io.acquire.services.store.PrivateFiles;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
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
  /** How long a rotated-out key stays trusted: longer than a session lasts by default (24 h). */
  public static final Duration DEFAULT_KEY_GRACE = Duration.ofHours(25);
  static final int DEFAULT_BODIES_PER_SOURCE = 64;

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
    private Path dataDirectory;
    private KeyEncryptionKey keyEncryptionKey;
    private String host = "127.0.0.1";
    private int port = 8080;
    private String publicUrl;
    private List<String> services = availableServices();
    private Clock clock = Clock.systemUTC();
    private Duration signatureWindow = RequestVerifier.DEFAULT_WINDOW;
    private long maxRequestBytes = 16L * 1024 * 1024;
    private String registryUrl;
    private boolean rotateKeys;
    private Duration keyGrace = DEFAULT_KEY_GRACE;
    private int maxBodiesPerSource = DEFAULT_BODIES_PER_SOURCE;
    private ServerTls tls;
    private final Map<String, String> options = new LinkedHashMap<>();

    private Builder() {}

    /** The store to serve from; the caller keeps ownership and closes it. */
    public Builder store(ObjectStore store) {
      this.store = Objects.requireNonNull(store, "store == null");
      this.ownsStore = false;
      return this;
    }

    /**
     * Serve from a durable local store in {@code directory}, closed with the server. The
     * directory is made 0700 if absent; one that other users may read, write or enter is
     * refused, since it holds the backend's secrets.
     */
    public Builder dataDirectory(Path directory) {
      try {
        PrivateFiles.createDirectories(directory);
        PrivateFiles.requirePrivate(directory);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("Cannot use data directory " + directory + ": " + e.getMessage(), e);
      }
      this.store = LocalObjectStore.open(directory);
      this.ownsStore = true;
      this.dataDirectory = directory;
      return this;
    }

    /**
     * The key that encrypts secrets at rest. Default: the keyset in the environment variable
     * {@value KeyEncryptionKey#ENVIRONMENT}, else in {@code master-key.json} in the data
     * directory or local store's root (made on first start); over another store given with
     * {@link #store}, one made for this JVM and kept nowhere, which suits tests only: a
     * backend that restarts over such a store must be given its key here.
     */
    public Builder keyEncryptionKey(KeyEncryptionKey key) {
      this.keyEncryptionKey = Objects.requireNonNull(key, "key == null");
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

    /**
     * The URL people and clients reach this server at, if not {@code http://host:port} (or
     * {@code https://host:port} with {@link #tls}). Behind a TLS-terminating proxy give its
     * {@code https://} URL: login links point there and the login page's cookies are {@code Secure}.
     */
    public Builder publicUrl(String publicUrl) {
      this.publicUrl = publicUrl;
      return this;
    }

    /**
     * Serves HTTPS only, with the PEM certificate chain in {@code certificateChain} (the
     * server's certificate first, then intermediates, as certbot's {@code fullchain.pem})
     * and its unencrypted PKCS#8 private key ({@code -----BEGIN PRIVATE KEY-----}). Both are
     * read and checked now; read them again by restarting, say after a renewal.
     *
     * @throws IllegalArgumentException if a file is missing or unreadable, the key is in
     *     another format, does not belong to the certificate, or the certificate has expired
     */
    public Builder tls(Path certificateChain, Path privateKey) {
      this.tls = ServerTls.load(Objects.requireNonNull(certificateChain, "certificateChain == null"),
          Objects.requireNonNull(privateKey, "privateKey == null"));
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

    /**
     * The registry of a backend whose services run in other processes, such as {@code
     * http://10.0.0.5:8080/t/registry}: this process registers its services there (signed
     * with their keys), finds the others there, and calls them over HTTP. Ignored when this
     * process runs the registry; without it, services find each other in the shared store.
     */
    public Builder registryUrl(String registryUrl) {
      this.registryUrl = registryUrl;
      return this;
    }

    /**
     * Rotates the signing key of every service this process runs when it starts: the new
     * key signs from then on, the old one stays trusted for {@code grace} (default 25 hours,
     * longer than a session lasts by default, so certificates signed before stay valid).
     */
    public Builder rotateKeys(Duration grace) {
      if (grace.isNegative()) {
        throw new IllegalArgumentException("grace must not be negative, not " + grace);
      }
      this.rotateKeys = true;
      this.keyGrace = grace;
      return this;
    }

    /**
     * How many requests with bodies one client address may have in flight (default {@value
     * AcquireServer#DEFAULT_BODIES_PER_SOURCE}); more are refused with 429 at once, so slow
     * senders cannot hold every server thread. Behind a reverse proxy every client has the
     * proxy's address: let the proxy buffer bodies, or raise this.
     */
    public Builder maxBodiesPerSource(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxBodiesPerSource must be at least 1, not " + max);
      }
      this.maxBodiesPerSource = max;
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
      Path localRoot = dataDirectory != null ? dataDirectory
          : store instanceof LocalObjectStore local ? local.root() : null;
      KeyEncryptionKey kek = keyEncryptionKey != null ? keyEncryptionKey
          : localRoot != null ? KeyEncryptionKey.fromEnvironmentOrFile(localRoot.resolve("master-key.json"))
          : KeyEncryptionKey.forThisProcess();
      JsonObjects objects = new JsonObjects(store);
      AtomicReference<String> root = new AtomicReference<>();
      // Services find each other, and the keys to trust, through the registry: in this
      // process's store, or over HTTP when the registry runs elsewhere.
      boolean remoteRegistry = registryUrl != null && !services.contains("registry");
      ServiceDirectory directory = remoteRegistry ? ServiceDirectory.overHttp(registryUrl, clock)
          : ServiceDirectory.inStore(objects, clock);
      RequestVerifier verifier = new RequestVerifier(store, clock, directory, signatureWindow);
      ServiceCallVerifier serviceCalls = new ServiceCallVerifier(store, clock, signatureWindow, directory);

      Javalin app = Javalin.create(config -> {
        config.showJavalinBanner = false;
        config.http.maxRequestSize = maxRequestBytes;
        config.http.prefer405over404 = true;
        // Downloads stream with exact lengths and byte ranges; compression would break both, and API answers are small.
        config.http.disableCompression();
        config.router.ignoreTrailingSlashes = true;
        config.jsonMapper(new JavalinJackson(Json.mapper(), false));
        // Bodies are bounded as they stream, chunked or not; Javalin checks only Content-Length.
        config.jetty.modifyServletContextHandler(handler -> handler.addFilter(
            new org.eclipse.jetty.servlet.FilterHolder(new BodyLimit(maxRequestBytes, maxBodiesPerSource)), "/*",
            java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST)));
        config.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(new JsonErrorHandler()));
        config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
        if (tls != null) {
          // Given a connector, Javalin adds no plain HTTP one: HTTPS only, on the same host and port.
          config.jetty.addConnector((server, http) -> tls.connector(server, http, host, port));
        }
      });
      installErrorHandling(app);

      List<ServiceContext> contexts = new ArrayList<>();
      Map<String, ServiceKeys.Current> keys = new LinkedHashMap<>();
      List<Service> started = new ArrayList<>();
      Map<Class<?>, AutoCloseable> shared = new LinkedHashMap<>();
      String registry = remoteRegistry ? stripSlash(registryUrl) : null;
      for (String name : services) {
        ServiceKeys.Current key = new ServiceKeys.Current(store, kek, name, clock);
        ServiceContext context = new ServiceContext(name, store, clock, key, kek, verifier, root::get, options, shared,
            java.util.Set.copyOf(services), directory, registry);
        Service service = SERVICES.get(name).apply(context);
        String base = "/t/" + name;
        app.get(base, ctx -> ctx.json(context.info()));
        service.mount(new Routes(app, base, verifier, serviceCalls));
        contexts.add(context);
        keys.put(name, key);
        started.add(service);
      }

      // The web console logs people in through identity, so it runs where identity does.
      if (services.contains("identity") && !"false".equals(options.get("console.enabled"))) {
        new io.acquire.services.console.Console(root::get, registry, clock,
            Duration.ofSeconds(Long.parseLong(options.getOrDefault("console.idle-seconds", "1800")))).mount(app);
      }
      app.start(host, port);
      String url = publicUrl != null ? stripSlash(publicUrl)
          : (tls != null ? "https://" : "http://") + host + ":" + app.port();
      root.set(url);
      try {
        for (ServiceContext context : contexts) {
          register(context, keys.get(context.name()), objects, directory, registry);
        }
      } catch (RuntimeException e) {
        // Unregistered, nobody can trust these services: stop rather than serve half a backend.
        app.stop();
        started.forEach(Service::close);
        for (AutoCloseable component : shared.values()) {
          try {
            component.close();
          } catch (Exception closing) {
            e.addSuppressed(closing);
          }
        }
        if (ownsStore) {
          store.close();
        }
        throw e;
      }
      log.info("Acquire backend serving {} at {}{}", services, url,
          tls != null ? " (TLS certificate " + tls.subject() + ")" : "");
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

    /**
     * Lists {@code context}'s service in the registry at its URL, rotating its key first if
     * asked to (or if a rotation stopped half-way).
     */
    private void register(ServiceContext context, ServiceKeys.Current key, JsonObjects objects,
        ServiceDirectory directory, String registry) {
      String name = context.name();
      if (rotateKeys || ServiceKeys.rotationPending(store, name)) {
        ServiceKeys.rotate(store, context.keyEncryptionKey(), name, (old, next) -> {
          directory.forget(name);
          // The registry's entry may already list the new key (a rotation that stopped after the
          // registry took it), or not exist (a first start): then the new key signs for itself.
          boolean signsItself = directory.lookup(name)
              .map(i -> i.publicKey().equals(next.verifyingKey().toBase64Url())).orElse(true);
          publish(name, context.url(), signsItself ? next : old, next, signsItself ? Duration.ZERO : keyGrace,
              objects, directory, registry);
        });
        key.reread();
        log.info("Rotated the signing key of {}; the old key stays trusted for {}", name, keyGrace);
      } else {
        SigningKey current = key.get();
        publish(name, context.url(), current, current, Duration.ZERO, objects, directory, registry);
      }
    }

    private void publish(String name, String url, SigningKey signer, SigningKey key, Duration grace,
        JsonObjects objects, ServiceDirectory directory, String registry) {
      String publicKey = key.verifyingKey().toBase64Url();
      if (registry == null) {
        RegistryService.register(objects, name, url, publicKey, grace, clock.instant());
      } else {
        new ServiceClient(name, () -> signer, directory, clock).sendTo("PUT", registry, "/services/" + name,
            new RegistryService.Registration(url, publicKey, grace.toSeconds()), ServiceInfo.class,
            Duration.ofSeconds(60));
      }
      directory.forget(name);
    }

    private static String stripSlash(String url) {
      return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
  }

  /** One JSON error shape for everything, with a request id on every response. */
  private static void installErrorHandling(Javalin app) {
    app.before(ctx -> {
      String requestId = BodyLimit.newRequestId();
      ctx.attribute(REQUEST_ID, requestId);
      ctx.header(RequestSignature.REQUEST_ID_HEADER, requestId);
    });
    // Path parameters are percent-decoded on use; a malformed escape such as %u002e would fail there.
    app.before(ctx -> {
      if (MALFORMED_ESCAPE.matcher(ctx.req().getRequestURI()).find()
          || (ctx.req().getQueryString() != null && MALFORMED_ESCAPE.matcher(ctx.req().getQueryString()).find())) {
        throw ApiException.badRequest("The URL has a malformed percent-escape: '%' must be followed by two hex digits.");
      }
    });
    app.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.error(), e.getMessage()));
    // The store is the disk: a write it cannot make (read-only, full, unreachable) is the
    // server's trouble, not the caller's, and may pass; nothing half-written was kept.
    app.exception(java.io.UncheckedIOException.class, (e, ctx) -> storeUnavailable(ctx, e));
    app.exception(java.nio.file.FileSystemException.class, (e, ctx) -> storeUnavailable(ctx, e));
    app.exception(java.nio.file.ReadOnlyFileSystemException.class, (e, ctx) -> storeUnavailable(ctx, e));
    app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), code(e.getStatus()), sentence(e)));
    app.exception(Exception.class, (e, ctx) -> {
      log.error("Unexpected failure in {} {} ({})", ctx.method(), loggable(ctx.path()), requestId(ctx), e);
      error(ctx, 500, "internal_error", "The service failed unexpectedly; quote request id " + requestId(ctx) + ".");
    });
    app.error(404, ctx -> {
      if (ctx.result() == null || ctx.result().isEmpty()) {
        error(ctx, 404, "not_found", "No endpoint " + ctx.method() + " " + ctx.path() + ".");
      }
    });
  }

  private static final java.util.regex.Pattern MALFORMED_ESCAPE = java.util.regex.Pattern.compile("%(?![0-9A-Fa-f]{2})");
  private static final String STORE_RETRY_SECONDS = "5";

  private static void storeUnavailable(Context ctx, Exception e) {
    log.warn("Store unavailable in {} {} ({}): {}", ctx.method(), loggable(ctx.path()), requestId(ctx), e.getMessage());
    ctx.header("Retry-After", STORE_RETRY_SECONDS);
    error(ctx, 503, "unavailable", "The service cannot write its store right now (read-only, full or unreachable). Try again "
        + "in a few seconds (quote request id " + requestId(ctx) + " if it persists).");
  }

  private static String sentence(HttpResponseException e) {
    return switch (e.getStatus()) {
      case 404 -> "No such endpoint.";
      case 405 -> "This endpoint does not accept that method.";
      case 413 -> "Request body is too large.";
      default -> e.getMessage();
    };
  }

  static String code(int status) {
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
      case 431 -> "headers_too_large";
      case 503 -> "unavailable";
      case 505 -> "http_version_not_supported";
      default -> status >= 500 ? "internal_error" : "error";
    };
  }

  private static void error(Context ctx, int status, String error, String message) {
    ctx.status(status).json(new ErrorBody(status, error, message, requestId(ctx)));
  }

  /** A request path fit for the log: a link's token is its secret ({@code /t/storage/l/<token>/…}). */
  static String loggable(String path) {
    return path.replaceAll("/l/[^/]+", "/l/…");
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

    @Option(names = "--s3-public-endpoint", description = "The S3 endpoint as clients reach it, for the short-lived "
        + "URLs that move drive chunks between clients and the store directly (default: --s3-endpoint's).")
    java.net.URI s3PublicEndpoint;

    @Option(names = "--s3-region", description = "The bucket's region (default AWS_REGION, else us-east-1).")
    String s3Region;

    @Option(names = "--master-key", description = "Master key file (Tink AEAD keyset, JSON) that encrypts secrets at "
        + "rest; made 0600 if absent. Default: $" + KeyEncryptionKey.ENVIRONMENT + " if set, else <data>/master-key.json.")
    Path masterKey;

    @Option(names = "--public-url", description = "URL clients reach this server at, if not http://host:port "
        + "(https://host:port with --tls-cert); behind a TLS-terminating proxy, its https:// URL.")
    String publicUrl;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "Serve HTTPS with this PEM certificate chain "
        + "(server certificate first, then intermediates, e.g. certbot's fullchain.pem); needs --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "The certificate's private key: PEM, unencrypted "
        + "PKCS#8 (-----BEGIN PRIVATE KEY-----), readable by this user only.")
    Path tlsKey;

    @Option(names = "--max-bodies-per-source", description = "Requests with bodies one client address may have in "
        + "flight (default ${DEFAULT-VALUE}); raise it behind a proxy that does not buffer bodies.")
    int maxBodiesPerSource = DEFAULT_BODIES_PER_SOURCE;

    @Option(names = "--services", split = ",", description = "Services to run (default: all).")
    List<String> services = availableServices();

    @Option(names = "--set", description = "Service option, e.g. --set identity.login-expiry-seconds=600.")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(names = "--registry", description = "Registry URL of a backend whose other services run elsewhere, "
        + "e.g. http://10.0.0.5:8080/t/registry.")
    String registryUrl;

    @Option(names = "--rotate-key", description = "Rotate the signing keys of the services this process runs.")
    boolean rotateKey;

    @Option(names = "--key-grace-hours", description = "With --rotate-key: hours the old key stays trusted "
        + "(default ${DEFAULT-VALUE}).")
    int keyGraceHours = 25;

    @Override
    public Integer call() throws InterruptedException {
      if ((tlsCert == null) != (tlsKey == null)) {
        throw new IllegalArgumentException("--tls-cert and --tls-key go together: give the certificate chain and its "
            + "private key, or neither for plain HTTP.");
      }
      Builder builder = builder();
      if (tlsCert != null) {
        builder.tls(tlsCert, tlsKey); // checked before the store is opened
      }
      builder.host(host).port(port).publicUrl(publicUrl).services(services)
          .registryUrl(registryUrl).maxBodiesPerSource(maxBodiesPerSource);
      ObjectStore s3 = null;
      String where;
      KeyEncryptionKey kek;
      if (store != null) {
        if (data != null) {
          System.err.println("acquire-server: give either --data (a local directory) or --store (an S3 bucket), not both.");
          return 2;
        }
        if (masterKey == null && System.getenv(KeyEncryptionKey.ENVIRONMENT) == null) {
          // A key made here would be lost with this host, and with it every secret sealed in the bucket.
          System.err.println("acquire-server: with --store, give the master key that seals secrets in the bucket: "
              + "--master-key FILE (made 0600 if absent) or $" + KeyEncryptionKey.ENVIRONMENT
              + "; every process serving the bucket needs the same one.");
          return 2;
        }
        try {
          s3 = openS3(store, s3Endpoint, s3PublicEndpoint, s3Region);
        } catch (IllegalArgumentException | IllegalStateException e) {
          System.err.println("acquire-server: " + e.getMessage());
          return 2;
        }
        builder.store(s3);
        where = "store " + s3;
        kek = masterKey != null ? KeyEncryptionKey.fromFile(masterKey)
            : KeyEncryptionKey.fromKeysetJson(System.getenv(KeyEncryptionKey.ENVIRONMENT));
      } else {
        Path directory = data != null ? data : Path.of("acquire-data");
        builder.dataDirectory(directory);
        where = "data in " + directory.toAbsolutePath();
        kek = masterKey != null ? KeyEncryptionKey.fromFile(masterKey)
            : KeyEncryptionKey.fromEnvironmentOrFile(directory.resolve("master-key.json"));
      }
      // Given whatever store is served, so that sealed keys open again after a restart.
      builder.keyEncryptionKey(kek);
      if (rotateKey) {
        builder.rotateKeys(Duration.ofHours(keyGraceHours));
      }
      options.forEach(builder::option);
      AcquireServer server = builder.start();
      ObjectStore owned = s3;
      System.out.println("Acquire backend ready at " + server.url() + " (" + where + ")");
      for (String service : services) {
        System.out.println("  " + service + "  " + server.url() + "/t/" + service);
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
  static io.acquire.services.store.S3ObjectStore openS3(String location, java.net.URI endpoint,
      java.net.URI publicEndpoint, String region) {
    java.net.URI server = endpoint;
    for (String variable : List.of("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")) {
      String value = System.getenv(variable);
      if (server == null && value != null && !value.isBlank()) {
        server = java.net.URI.create(value.trim());
      }
    }
    return io.acquire.services.store.S3ObjectStore.builder().location(location).endpoint(server)
        .publicEndpoint(publicEndpoint).region(region).build();
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** {@code acquire-server}'s command line: a configuration it cannot start with is one line on stderr, exit 1. */
  static CommandLine commandLine() {
    return new CommandLine(new Main()).setExecutionExceptionHandler((e, command, parsed) -> {
      if (e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException) {
        command.getErr().println("acquire-server: " + e.getMessage());
        return 1;
      }
      throw e;
    });
  }
}

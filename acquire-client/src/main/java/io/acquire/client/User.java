package io.acquire.client;

import io.acquire.client.internal.Session;
import io.acquire.client.internal.Transport;
import io.acquire.client.internal.Transport.Safety;
import io.acquire.client.internal.TrustAnchors;
import io.acquire.client.wire.IdentityWire.LoginStarted;
import io.acquire.client.wire.IdentityWire.Poll;
import io.acquire.client.wire.IdentityWire.PollResult;
import io.acquire.client.wire.IdentityWire.Register;
import io.acquire.client.wire.IdentityWire.Registered;
import io.acquire.client.wire.IdentityWire.StartLogin;
import io.acquire.client.wire.IdentityWire.WhoAmI;
import io.acquire.client.wire.SessionCertificate;
import io.acquire.client.wire.SigningKey;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;

/**
 * A person using Acquire: registers, logs in by QR code with two-factor authentication,
 * and signs every later call with a session key that never leaves this JVM.
 *
 * <pre>{@code
 * try (User user = User.create("ada", "http://localhost:8080/t/identity")) {
 *   LoginRequest login = user.requestLogin();   // show login.qrCodePng() or login.url()
 *   user.waitForLogin(Duration.ofMinutes(5));   // the person approves on their phone
 *   user.isLoggedIn();                          // true
 * }                                             // logs out
 * }</pre>
 *
 * <p>Thread-safe. Closing logs out, except for a user built with a {@link Wallet}, which
 * keeps its session across programs until {@link #logout()}.
 */
public final class User implements AutoCloseable {
  private final String username;
  private final String identityUrl;
  private final String registryUrl;
  private final String deviceName;
  private final OkHttpClient http;
  private final boolean ownsHttp;
  private final RetryPolicy retry;
  private final Clock clock;
  private final Wallet wallet;
  private final boolean delegated;
  private final Transport identity;
  private final ServiceUrls services;

  private volatile Session session;
  private volatile LoginRequest pendingLogin;
  private volatile boolean encryptionKeyPublished;

  private User(Builder builder) {
    this.username = builder.username;
    this.identityUrl = builder.identityUrl;
    this.registryUrl = builder.registryUrl;
    this.deviceName = builder.deviceName;
    this.ownsHttp = builder.http == null;
    OkHttpClient.Builder client = ownsHttp ? Connections.sized(new OkHttpClient.Builder())
        .connectTimeout(10, TimeUnit.SECONDS).readTimeout(builder.timeout).writeTimeout(builder.timeout)
        : builder.http.newBuilder();
    // A derived client shares the given one's pool and dispatcher, which stay its owner's to close.
    this.http = builder.trust != null ? builder.trust.applyTo(client).build() : ownsHttp ? client.build() : builder.http;
    this.retry = builder.retry;
    this.clock = builder.clock;
    this.wallet = builder.wallet;
    this.delegated = builder.delegated != null;
    this.session = builder.delegated;
    this.identity = new Transport(http, identityUrl, retry, () -> null, clock);
    // A lookup after a failed call is asked once: the call's own retries follow it.
    this.services = new ServiceUrls(new Transport(http, registryUrl, retry, () -> null, clock),
        new Transport(http, registryUrl, RetryPolicy.none().withSleeper(retry.sleeper()), () -> null, clock),
        wallet, clock);
    if (wallet != null && session == null) {
      wallet.load(identityUrl, username).filter(s -> !s.expiredAt(clock.instant())).ifPresent(s -> session = s);
    }
  }

  /** A user of the identity service at {@code identityUrl}, such as {@code http://localhost:8080/t/identity}. */
  public static User create(String username, String identityUrl) {
    return builder().username(username).identityUrl(identityUrl).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public String username() {
    return username;
  }

  public String identityUrl() {
    return identityUrl;
  }

  /**
   * Registers this username with {@code password} (8 to 128 characters). Scan the answer's
   * QR code into an authenticator app: its codes approve every later login.
   *
   * @throws ConflictException if the username is taken
   */
  public Registration register(String password) {
    Objects.requireNonNull(password, "password == null");
    Registered registered = identity.post("/users", new Register(username, password), Registered.class, Safety.UNSAFE);
    return new Registration(registered.username(), registered.provisioningUri());
  }

  /**
   * Starts a login with a fresh session key: show the answer's QR code or URL to the
   * person, then call {@link #waitForLogin}.
   */
  public LoginRequest requestLogin() {
    SigningKey key = SigningKey.generate();
    LoginStarted started = identity.post("/logins",
        new StartLogin(username, key.verifyingKey().toBase64Url(), deviceName), LoginStarted.class, Safety.UNSAFE);
    LoginRequest request = new LoginRequest(started.loginUrl(), started.userCode(), started.expiresAt(),
        Math.max(1, started.interval()), started.deviceCode());
    synchronized (this) {
      pendingKey = key;
      pendingLogin = request;
    }
    return request;
  }

  private SigningKey pendingKey;

  /**
   * Waits until the person approves the latest {@link #requestLogin()}, for as long as the
   * login request is valid (the service's expiry, 10 minutes by default): the talk's
   * {@code user.wait_for_login()}.
   *
   * @throws LoginDeniedException if the person denied it or too many attempts failed
   * @throws LoginExpiredException if the login request expired first
   * @throws IllegalStateException if no login was requested
   */
  public void waitForLogin() {
    LoginRequest request;
    synchronized (this) {
      request = pendingLogin;
    }
    if (request == null) {
      throw new IllegalStateException("No login to wait for: call requestLogin() first.");
    }
    // One poll past the expiry, so an unapproved login ends as expired rather than timed out.
    Duration untilExpiry = Duration.between(clock.instant(), request.expiresAt());
    waitForLogin(untilExpiry.plusSeconds(2L * request.intervalSeconds() + 1));
  }

  /**
   * Waits until the person approves the latest {@link #requestLogin()}, polling at the
   * interval the service asks for and slowing down when told to.
   *
   * @throws LoginDeniedException if the person denied it or too many attempts failed
   * @throws LoginExpiredException if the login request expired first
   * @throws LoginTimeoutException if {@code timeout} passed first; the request stays valid, so wait again
   * @throws IllegalStateException if no login was requested
   */
  public void waitForLogin(Duration timeout) {
    LoginRequest request;
    SigningKey key;
    synchronized (this) {
      request = pendingLogin;
      key = pendingKey;
    }
    if (request == null) {
      throw new IllegalStateException("No login to wait for: call requestLogin() first.");
    }
    Instant deadline = clock.instant().plus(timeout);
    Duration interval = Duration.ofSeconds(request.intervalSeconds());
    while (true) {
      PollResult result = identity.post("/logins/poll", new Poll(request.deviceCode()), PollResult.class, Safety.SAFE);
      switch (result.status() == null ? "" : result.status()) {
        case "approved" -> {
          Session approved = new Session(key, SessionCertificate.parseUnverified(result.certificate()));
          synchronized (this) {
            session = approved;
            pendingLogin = null;
            pendingKey = null;
          }
          if (wallet != null) {
            wallet.save(identityUrl, username, approved);
          }
          return;
        }
        case "pending" -> { }
        case "slow_down" -> interval = result.interval() != null
            ? Duration.ofSeconds(result.interval()) : interval.plusSeconds(5);
        case "denied" -> {
          clearPending(request);
          throw new LoginDeniedException(0, "denied", "The login " + request.userCode()
              + " was denied on the login page, or too many wrong attempts denied it.", null);
        }
        case "expired" -> {
          clearPending(request);
          throw new LoginExpiredException(0, "expired", "The login " + request.userCode()
              + " expired before it was approved; call requestLogin() again.", null);
        }
        default -> throw new InvalidResponseException(200, "Unknown login status '" + result.status() + "'.", null);
      }
      Instant now = clock.instant();
      if (!now.plus(interval).isBefore(deadline)) {
        throw new LoginTimeoutException("Gave up waiting for approval of login " + request.userCode() + " after "
            + timeout.toSeconds() + " s; it stays valid until " + request.expiresAt() + ", so you can wait again.");
      }
      try {
        retry.sleeper().sleep(interval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LoginTimeoutException("Interrupted while waiting for approval of login " + request.userCode() + ".");
      }
    }
  }

  /** {@link #waitForLogin} on a background thread; cancelling the future stops the polling. */
  public CompletableFuture<User> waitForLoginAsync(Duration timeout) {
    CompletableFuture<User> future = new CompletableFuture<>();
    Thread poller = new Thread(() -> {
      try {
        waitForLogin(timeout);
        future.complete(this);
      } catch (RuntimeException e) {
        future.completeExceptionally(e);
      }
    }, "acquire-login-" + username);
    poller.setDaemon(true);
    future.whenComplete((user, error) -> {
      if (future.isCancelled()) {
        poller.interrupt();
      }
    });
    poller.start();
    return future;
  }

  private synchronized void clearPending(LoginRequest request) {
    if (pendingLogin == request) {
      pendingLogin = null;
      pendingKey = null;
    }
  }

  /** True while this user holds a session that has not expired and was not logged out. */
  public boolean isLoggedIn() {
    Session current = session;
    return current != null && !current.expiredAt(clock.instant());
  }

  /** When the session ends, if logged in. */
  public Instant sessionExpiresAt() {
    Session current = requireSession();
    return current.certificate().claims().expiresAt();
  }

  /**
   * Asks identity who this session belongs to: a signed call, so it proves the session
   * works end to end.
   *
   * @throws AuthenticationException if not logged in, or the session was refused
   */
  public SessionInfo whoAmI() {
    WhoAmI who = signedIdentity().get("/whoami", WhoAmI.class);
    return new SessionInfo(who.username(), who.sessionId(), who.scope(), who.expiresAt());
  }

  /** Ends the session at once on every service, and forgets its key. Does nothing if not logged in. */
  public void logout() {
    Session current;
    synchronized (this) {
      current = session;
      session = null;
    }
    if (wallet != null) {
      wallet.forget(identityUrl, username);
    }
    if (current == null || current.expiredAt(clock.instant())) {
      return;
    }
    new Transport(http, identityUrl, retry, () -> current, clock).send("POST", "/logout", null, Safety.UNSAFE);
  }

  /**
   * Logs out (if logged in) and releases the HTTP client this user created. A user built
   * with a {@link Wallet} keeps its session instead, since keeping it across programs is
   * what the wallet is for; call {@link #logout()} to end it. So does a user acting with a
   * delegated session, which belongs to whoever issued it.
   */
  @Override
  public void close() {
    try {
      if (wallet == null && !delegated) {
        logout();
      }
    } catch (AcquireException e) {
      // The session is forgotten locally either way; an unreachable service cannot be told.
    } finally {
      if (ownsHttp) {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
      }
    }
  }

  /**
   * The URL of the named service ({@code accounting}, {@code storage}, {@code compute}), from
   * the registry. The answer is kept for an hour (in the wallet too, if the user has one) and
   * asked for again when a call finds no service at it: refused, or answered 404 or 410.
   */
  public String serviceUrl(String service) {
    return services.url(service);
  }

  /**
   * Makes this user's key pair for encrypted drives if their wallet has none, and publishes
   * its public half through storage, so that others can share encrypted drives with them.
   * The private half stays in the wallet (see {@link Wallet#exportEncryptionKey}). Opening
   * an encrypted drive does this too; publishing again is harmless.
   *
   * @throws IllegalStateException if the user was built without a {@link Wallet}
   */
  public void publishEncryptionKey() {
    publish(walletKeyPair());
  }

  private void publish(EncryptionKeyPair keys) {
    signedTransport("storage").put("/encryption-key", new io.acquire.client.wire.EncryptionWire.PublishKey(
        io.acquire.client.wire.Base64Url.encode(keys.publicKeyset())),
        io.acquire.client.wire.EncryptionWire.PublicKey.class, Safety.SAFE);
    encryptionKeyPublished = true;
  }

  /** The key pair in the wallet, published once per {@code User}: encrypted drives need a wallet to keep it. */
  EncryptionKeyPair encryptionKeyPair() {
    EncryptionKeyPair keys = walletKeyPair();
    if (!encryptionKeyPublished) {
      publish(keys);
    }
    return keys;
  }

  private EncryptionKeyPair walletKeyPair() {
    if (wallet == null) {
      throw new IllegalStateException("Encrypted drives need a wallet to keep " + username + "'s private key: build "
          + "the User with .wallet(Wallet.defaultWallet()).");
    }
    return wallet.encryptionKey(identityUrl, username);
  }

  /** The wallet, for the notes of encrypted uploads; null if the user has none. */
  Wallet wallet() {
    return wallet;
  }

  /** A transport to {@code service} that signs with this user's session; for the SDK's own classes. */
  Transport signedTransport(String service) {
    requireSession();
    return new Transport(http, serviceUrl(service), retry, this::requireSession, clock,
        failed -> services.relocate(service, failed));
  }

  /** A signed transport to identity itself. */
  Transport signedIdentity() {
    requireSession();
    return new Transport(http, identityUrl, retry, this::requireSession, clock);
  }

  private Session requireSession() {
    Session current = session;
    if (current == null) {
      throw new AuthenticationException(0, "not_logged_in", "User " + username
          + " is not logged in: call requestLogin() and waitForLogin() first.", null);
    }
    if (current.expiredAt(clock.instant())) {
      throw new AuthenticationException(0, "session_expired", "The session of " + username + " expired at "
          + current.certificate().claims().expiresAt() + "; log in again.", null);
    }
    return current;
  }

  @Override
  public String toString() {
    Session current = session;
    String state = current != null && !current.expiredAt(clock.instant())
        ? "logged in until " + current.certificate().claims().expiresAt()
        : pendingLogin != null ? "waiting for approval of " + pendingLogin.userCode() : "not logged in";
    return "User[" + username + " @ " + identityUrl + ", " + state + "]";
  }

  /** Builds a {@link User}; only the username and identity URL are required. */
  public static final class Builder {
    private String username;
    private String identityUrl;
    private String registryUrl;
    private String deviceName;
    private OkHttpClient http;
    private RetryPolicy retry = RetryPolicy.defaults();
    private Clock clock = Clock.systemUTC();
    private Wallet wallet;
    private Session delegated;
    private Duration timeout = Duration.ofSeconds(30);
    private TrustAnchors trust;

    private Builder() {}

    public Builder username(String username) {
      this.username = username;
      return this;
    }

    public Builder identityUrl(String identityUrl) {
      this.identityUrl = identityUrl;
      return this;
    }

    /** The registry, if not beside identity ({@code …/t/identity} → {@code …/t/registry}). */
    public Builder registryUrl(String registryUrl) {
      this.registryUrl = registryUrl;
      return this;
    }

    /** How this client is named on the login page; default {@code "Java on <host name>"}. */
    public Builder deviceName(String deviceName) {
      this.deviceName = deviceName;
      return this;
    }

    /**
     * Share an existing OkHttp client (its pool and dispatcher); it is not closed with the
     * user. With {@link #trustedCertificates} a variant of it is used that trusts those.
     */
    public Builder httpClient(OkHttpClient http) {
      this.http = Objects.requireNonNull(http, "http == null");
      return this;
    }

    /**
     * Trust HTTPS servers whose certificates chain to the CA certificates in {@code file}
     * (PEM, any number, or DER) instead of the JVM's default authorities: for a backend
     * whose certificate an institution's own CA signed. Host names are still checked.
     *
     * <pre>{@code
     * User.builder().username("ada").identityUrl("https://acquire.example.org/t/identity")
     *     .trustedCertificates(Path.of("institution-ca.pem")).build();
     * }</pre>
     *
     * @throws IllegalArgumentException if the file is missing, unreadable or holds no certificate
     */
    public Builder trustedCertificates(Path file) {
      this.trust = TrustAnchors.fromCertificates(Objects.requireNonNull(file, "file == null"));
      return this;
    }

    /**
     * Trust HTTPS servers whose certificates chain to the trusted entries of {@code store}
     * (a PKCS#12 or JKS trust store the caller loaded) instead of the JVM's default authorities.
     */
    public Builder trustStore(KeyStore store) {
      this.trust = TrustAnchors.fromKeyStore(Objects.requireNonNull(store, "store == null"));
      return this;
    }

    public Builder retryPolicy(RetryPolicy retry) {
      this.retry = Objects.requireNonNull(retry, "retry == null");
      return this;
    }

    /** Read and write timeout of each call when this user makes its own HTTP client; default 30 s. */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout == null");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** Remember the session in {@code wallet} after login, and resume from it. Off by default. */
    public Builder wallet(Wallet wallet) {
      this.wallet = wallet;
      return this;
    }

    /**
     * Act with a session issued elsewhere instead of logging in, such as the credential a
     * running job is given for its drives (its scope limits what it can do). The user does
     * not log it out on close.
     *
     * @param keySeedUnsafe the session key's 32-byte Ed25519 seed: a secret, as good as the session
     * @param certificate the session certificate as the service issued it (its token)
     * @throws IllegalArgumentException if either is not in that form
     */
    public Builder session(byte[] keySeedUnsafe, String certificate) {
      this.delegated = new Session(SigningKey.fromSeedUnsafe(Objects.requireNonNull(keySeedUnsafe,
          "keySeedUnsafe == null")), SessionCertificate.parseUnverified(Objects.requireNonNull(certificate,
          "certificate == null")));
      return this;
    }

    public User build() {
      if (username == null || username.isBlank()) {
        throw new IllegalStateException("Username required.");
      }
      if (identityUrl == null || identityUrl.isBlank()) {
        throw new IllegalStateException("Identity URL required, such as http://localhost:8080/t/identity.");
      }
      identityUrl = identityUrl.replaceAll("/+$", "");
      if (!identityUrl.startsWith("http://") && !identityUrl.startsWith("https://")) {
        throw new IllegalStateException("Identity URL must start with http:// or https://: " + identityUrl);
      }
      if (registryUrl == null) {
        if (!identityUrl.endsWith("/identity")) {
          throw new IllegalStateException("Registry URL required when the identity URL does not end in /identity.");
        }
        registryUrl = identityUrl.substring(0, identityUrl.length() - "identity".length()) + "registry";
      }
      if (deviceName == null) {
        deviceName = "Java on " + hostName();
      }
      return new User(this);
    }

    private static String hostName() {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        return "this computer";
      }
    }
  }
}

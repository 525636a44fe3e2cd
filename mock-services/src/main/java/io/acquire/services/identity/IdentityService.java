package io.acquire.services.identity;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import io.acquire.client.wire.Base64Url;
import io.acquire.client.wire.IdentityWire.LoginStarted;
import io.acquire.client.wire.IdentityWire.Poll;
import io.acquire.client.wire.IdentityWire.PollResult;
import io.acquire.client.wire.IdentityWire.Register;
import io.acquire.client.wire.IdentityWire.Registered;
import io.acquire.client.wire.IdentityWire.StartLogin;
import io.acquire.client.wire.IdentityWire.WhoAmI;
import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.SessionCertificate;
import io.acquire.client.wire.SessionClaims;
import io.acquire.client.wire.SigningKey;
import io.acquire.client.wire.Totp;
import io.acquire.client.wire.VerifyingKey;
import io.acquire.services.KeyEncryptionKey;
import io.acquire.services.Service;
import io.acquire.services.ServiceContext;
import io.acquire.services.http.ApiException;
import io.acquire.services.http.Bodies;
import io.acquire.services.http.Routes;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.store.ObjectKeys;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Identity at {@code /t/identity}: registration with password and TOTP, login by the
 * OAuth 2.0 device authorization grant with a client-made session key, session
 * certificates, logout. See docs/protocol.md for the wire contract and
 * docs/security.md for the threats each rule answers.
 */
public final class IdentityService implements Service {
  public static final Pattern USERNAME = Pattern.compile("[a-z][a-z0-9._-]{2,31}");
  public static final String USERNAME_RULE =
      "Usernames are 3 to 32 characters of a-z, 0-9, '.', '_' or '-', starting with a letter.";
  private static final String USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
  private static final int MAX_LOGIN_FAILURES = 5;
  private static final int MAX_USER_FAILURES = 10;
  private static final Duration FAILURE_WINDOW = Duration.ofMinutes(15);
  /** Attempts a remembered device may make in {@link #FAILURE_WINDOW}, in place of the user's shared window. */
  static final int MAX_DEVICE_FAILURES = 5;
  /** How long a remembered-device cookie is honoured after it was issued (each approval issues a new one). */
  static final Duration DEVICE_LIFETIME = Duration.ofDays(180);
  private static final int MAX_DEVICE_TOKEN = 512;
  private static final Duration SLOW_DOWN_SLACK = Duration.ofMillis(250);
  /** An expired login still answers "expired" to its poller this long, then is swept. */
  static final Duration KEEP_EXPIRED = Duration.ofMinutes(10);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final BCrypt.Version BCRYPT = BCrypt.Version.VERSION_2A;

  private final ServiceContext context;
  private final JsonObjects objects;
  private final Clock clock;
  /** Read at each use: the key changes when the service's key is rotated. */
  private final java.util.function.Supplier<SigningKey> issuerKey;
  private final KeyEncryptionKey secrets;
  private final int bcryptCost;
  private final Duration loginLifetime;
  private final int pollInterval;
  private final Duration sessionLifetime;
  /** Compared against when the user is unknown, so the answer takes as long as for a real one. */
  private final String decoyHash;
  private final SourceLimiter registrations;
  private final SourceLimiter loginStarts;
  private final SourceLimiter approvals;
  /** Behind a proxy, the header that carries the client's address (e.g. X-Forwarded-For); null to use the peer's. */
  private final String clientAddressHeader;
  private final java.util.concurrent.ScheduledExecutorService sweeper;

  public IdentityService(ServiceContext context) {
    this.context = context;
    this.objects = context.objects();
    this.clock = context.clock();
    this.issuerKey = context::signingKey;
    this.secrets = context.keyEncryptionKey();
    this.bcryptCost = context.intOption("bcrypt-cost", 12);
    this.loginLifetime = Duration.ofSeconds(context.intOption("login-expiry-seconds", 600));
    this.pollInterval = context.intOption("poll-interval-seconds", 2);
    this.sessionLifetime = Duration.ofHours(context.intOption("session-hours", 24));
    if (bcryptCost < BCrypt.MIN_COST || bcryptCost > BCrypt.MAX_COST) {
      throw new IllegalArgumentException("Option identity.bcrypt-cost must be " + BCrypt.MIN_COST + ".." + BCrypt.MAX_COST);
    }
    this.decoyHash = hash(UUID.randomUUID().toString());
    int perMinute = context.intOption("requests-per-minute-per-source", 30);
    this.registrations = new SourceLimiter(perMinute);
    this.loginStarts = new SourceLimiter(perMinute);
    this.approvals = new SourceLimiter(perMinute);
    String header = context.option("client-address-header", "");
    this.clientAddressHeader = header.isBlank() ? null : header.strip();
    int sweepSeconds = context.intOption("sweep-seconds", 60);
    if (sweepSeconds < 1) {
      throw new IllegalArgumentException("Option identity.sweep-seconds must be at least 1");
    }
    this.sweeper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "acquire-login-sweeper");
      thread.setDaemon(true);
      return thread;
    });
    sweeper.scheduleWithFixedDelay(() -> {
      try {
        sweep();
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(IdentityService.class).warn("Login sweep failed; it will run again", e);
      }
    }, sweepSeconds, sweepSeconds, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
  }

  @Override
  public void mount(Routes routes) {
    LoginPage page = new LoginPage(this);
    routes.post("/users", this::register)
        .post("/logins", this::startLogin)
        .post("/logins/poll", this::poll)
        .get("/login", page::show)
        .post("/login", page::submit)
        .get("/whoami", routes.signed((ctx, caller) ->
            ctx.json(new WhoAmI(caller.username(), caller.sessionId(), caller.scope(), caller.expiresAt()))))
        .post("/logout", routes.signed((ctx, caller) -> {
          context.verifier().revoke(caller.sessionId(), clock.instant());
          ctx.status(204);
        }));
  }

  // Registration ---------------------------------------------------------------------------

  private void register(Context ctx) {
    limit(ctx, registrations);
    Register request = Bodies.json(ctx, Register.class);
    String username = checkUsername(request.username());
    String password = Bodies.required("password", request.password(), 128);
    if (password.length() < 8) {
      throw ApiException.badRequest("Field 'password' must be at least 8 characters.");
    }
    Totp totp = Totp.generate();
    UserRecord user = new UserRecord(username, hash(password),
        secrets.sealText(totp.base32SecretUnsafe(), totpContext(username)), clock.instant(), 0, List.of());
    if (!objects.putIfAbsent(userKey(username), user)) {
      throw ApiException.conflict("Username '" + username + "' is taken; choose another.");
    }
    ctx.status(201).json(new Registered(username, totp.provisioningUriUnsafe("Acquire", username)));
  }

  static String checkUsername(String username) {
    Bodies.required("username", username, 32);
    if (!USERNAME.matcher(username).matches()) {
      throw ApiException.badRequest("Field 'username' is not valid. " + USERNAME_RULE);
    }
    return username;
  }

  private String hash(String password) {
    return new String(BCrypt.with(BCRYPT, RANDOM, LongPasswordStrategies.hashSha512(BCRYPT))
        .hash(bcryptCost, passwordBytes(password)), StandardCharsets.US_ASCII);
  }

  private boolean passwordMatches(String password, String hash) {
    return BCrypt.verifyer(BCRYPT, LongPasswordStrategies.hashSha512(BCRYPT))
        .verify(passwordBytes(password), hash.getBytes(StandardCharsets.US_ASCII)).verified;
  }

  /** NFC first, so "é" typed as one character or as e + accent is the same password on every keyboard. */
  private static byte[] passwordBytes(String password) {
    return java.text.Normalizer.normalize(password, java.text.Normalizer.Form.NFC).getBytes(StandardCharsets.UTF_8);
  }

  // Device authorization -------------------------------------------------------------------

  private void startLogin(Context ctx) {
    limit(ctx, loginStarts);
    StartLogin request = Bodies.json(ctx, StartLogin.class);
    String username = checkUsername(request.username());
    String sessionKey = Bodies.required("sessionKey", request.sessionKey(), 64);
    try {
      VerifyingKey.fromBase64Url(sessionKey);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("Field 'sessionKey' is not a base64url Ed25519 public key: " + e.getMessage() + ".");
    }
    String deviceName = request.deviceName() == null || request.deviceName().isBlank()
        ? "an unnamed device" : request.deviceName().strip();
    if (deviceName.length() > 100) {
      throw ApiException.badRequest("Field 'deviceName' is longer than 100 characters.");
    }
    String userAgent = Optional.ofNullable(ctx.userAgent()).orElse("unknown");
    if (userAgent.length() > 200) {
      userAgent = userAgent.substring(0, 200);
    }

    Instant now = clock.instant();
    String deviceCode = randomToken(32);
    String loginId = UUID.randomUUID().toString();
    boolean known = objects.get(userKey(username), UserRecord.class).isPresent();
    String userCode = claimUserCode(loginId);
    LoginRecord login = new LoginRecord(loginId, username, known, sessionKey, deviceName, ctx.ip(), userAgent,
        userCode, RequestSignature.sha256Hex(deviceCode.getBytes(StandardCharsets.US_ASCII)), now,
        now.plus(loginLifetime), pollInterval, null, LoginRecord.PENDING, 0, null);
    objects.put(loginKey(loginId), login);
    objects.put("identity/device-codes/" + login.deviceCodeHash(), loginId);
    String loginUrl = context.url() + "/login?code=" + userCode;
    ctx.status(201).json(new LoginStarted(deviceCode, userCode, loginUrl, login.expiresAt(), pollInterval));
  }

  private String claimUserCode(String loginId) {
    for (int attempt = 0; attempt < 20; attempt++) {
      StringBuilder code = new StringBuilder(9);
      for (int i = 0; i < 8; i++) {
        if (i == 4) {
          code.append('-');
        }
        code.append(USER_CODE_ALPHABET.charAt(RANDOM.nextInt(USER_CODE_ALPHABET.length())));
      }
      if (objects.putIfAbsent(userCodeKey(code.toString()), loginId)) {
        return code.toString();
      }
    }
    throw new IllegalStateException("could not find a free user code");
  }

  private void poll(Context ctx) {
    Poll request = Bodies.json(ctx, Poll.class);
    String deviceCode = Bodies.required("deviceCode", request.deviceCode(), 128);
    String hash = RequestSignature.sha256Hex(deviceCode.getBytes(StandardCharsets.US_ASCII));
    String loginId = objects.get("identity/device-codes/" + hash, String.class)
        .orElseThrow(() -> ApiException.badRequest("Unknown device code; start a new login."));
    Instant now = clock.instant();
    PollResult[] result = new PollResult[1];
    objects.update(loginKey(loginId), LoginRecord.class, current -> {
      LoginRecord login = current.orElseThrow(() -> ApiException.badRequest("Unknown device code; start a new login."));
      switch (login.status()) {
        case LoginRecord.DENIED -> {
          result[0] = new PollResult("denied", null, null);
          return login;
        }
        case LoginRecord.COLLECTED -> {
          result[0] = new PollResult("expired", null, null);
          return login;
        }
        case LoginRecord.APPROVED -> {
          result[0] = new PollResult("approved", login.certificate(), null);
          return login.withStatus(LoginRecord.COLLECTED, null);
        }
        default -> {
          if (login.expired(now)) {
            result[0] = new PollResult("expired", null, null);
            return login;
          }
          boolean tooSoon = login.lastPollAt() != null
              && Duration.between(login.lastPollAt(), now).plus(SLOW_DOWN_SLACK).getSeconds() < login.interval();
          if (tooSoon) {
            int slower = login.interval() + 5;
            result[0] = new PollResult("slow_down", null, slower);
            return login.polled(now, slower);
          }
          result[0] = new PollResult("pending", null, null);
          return login.polled(now, login.interval());
        }
      }
    });
    ctx.json(result[0]);
  }

  // Approval, used by the login page -------------------------------------------------------

  /** What happened to an approval or denial, for the page to show. */
  enum Outcome { APPROVED, DENIED, WRONG_CREDENTIALS, CODE_ALREADY_USED, TOO_MANY_ATTEMPTS, EXPIRED, ALREADY_DECIDED,
    UNKNOWN_CODE }

  Optional<LoginRecord> loginByUserCode(String userCode) {
    String normalised = normaliseUserCode(userCode);
    if (normalised == null) {
      return Optional.empty();
    }
    return objects.get(userCodeKey(normalised), String.class)
        .flatMap(id -> objects.get(loginKey(id), LoginRecord.class));
  }

  /** Seconds until {@code username} may try again, or 0 if not rate limited. */
  long retryAfterSeconds(String username) {
    Instant now = clock.instant();
    List<Instant> recent = objects.get(userKey(username), UserRecord.class)
        .map(u -> recentFailures(u, now))
        .orElseGet(() -> recent(objects.get(unknownKey(username), AttemptWindow.class)
            .map(AttemptWindow::recent).orElse(null), now));
    return secondsUntilFree(recent, MAX_USER_FAILURES, now);
  }

  /**
   * Seconds until the browser holding {@code deviceToken} may try again for {@code username}:
   * its device's wait if the token is a valid remembered device of that user, else the user's.
   */
  long retryAfterSeconds(String username, String deviceToken) {
    String device = rememberedDevice(username, deviceToken, clock.instant());
    return device != null ? deviceRetryAfterSeconds(device) : retryAfterSeconds(username);
  }

  private long deviceRetryAfterSeconds(String deviceId) {
    Instant now = clock.instant();
    List<Instant> recent = recent(objects.get(deviceKey(deviceId), AttemptWindow.class)
        .map(AttemptWindow::recent).orElse(null), now);
    return secondsUntilFree(recent, MAX_DEVICE_FAILURES, now);
  }

  /** Allowed again once enough attempts age out to leave fewer than {@code limit} in the window. */
  private static long secondsUntilFree(List<Instant> recent, int limit, Instant now) {
    if (recent.size() < limit) {
      return 0;
    }
    Instant freedAt = recent.get(recent.size() - limit).plus(FAILURE_WINDOW);
    return Math.max(1, (long) Math.ceil(Duration.between(now, freedAt).toMillis() / 1000.0));
  }

  Outcome deny(String userCode) {
    return decide(userCode, login -> {
      objects.update(loginKey(login.id()), LoginRecord.class, current -> {
        LoginRecord l = current.orElseThrow();
        return l.status().equals(LoginRecord.PENDING) ? l.withStatus(LoginRecord.DENIED, null) : l;
      });
      return Outcome.DENIED;
    });
  }

  /**
   * Every attempt is counted in the store (a conditional put) before the password and code
   * are checked, against the login request's limit and then the user's: a burst of
   * concurrent guesses gets at most the limit of checks, and the rest are refused without
   * running bcrypt. An approval gives the user's count its attempt back. With a valid
   * remembered-device token of this user ({@code deviceToken}, or null), the device's own
   * window is counted instead of the user's, so strangers' failures cannot lock the owner out.
   */
  Outcome approve(String userCode, String password, String totpCode, String deviceToken) {
    return decide(userCode, login -> {
      Instant now = clock.instant();
      // A browser that approved this user before is counted on its own, not in the window a
      // stranger who knows the username can fill.
      String device = rememberedDevice(login.username(), deviceToken, now);
      if (!(device != null ? reserveDeviceAttempt(device, now) : reserveUserAttempt(login, now))) {
        return Outcome.TOO_MANY_ATTEMPTS;
      }
      if (!reserveLoginAttempt(login.id(), now)) {
        releaseAttempt(login, device, now);
        LoginRecord current = objects.get(loginKey(login.id()), LoginRecord.class).orElse(login);
        return current.status().equals(LoginRecord.PENDING) || current.status().equals(LoginRecord.DENIED)
            ? Outcome.TOO_MANY_ATTEMPTS : Outcome.ALREADY_DECIDED;
      }
      Optional<UserRecord> user = login.userKnown()
          ? objects.get(userKey(login.username()), UserRecord.class) : Optional.empty();
      boolean passwordOk = passwordMatches(password, user.map(UserRecord::passwordHash).orElse(decoyHash))
          && user.isPresent();
      OptionalLong step = user.isPresent() && passwordOk
          ? Totp.fromBase32Unsafe(secrets.openText(user.get().totpSecret(), totpContext(login.username())))
              .verify(totpCode, now)
          : OptionalLong.empty();
      if (step.isEmpty()) {
        return recordFailure(login, device);
      }
      if (!claimTotpStep(login.username(), step.getAsLong())) {
        // The right password and a code that was right but is spent (each is accepted once):
        // say so, since waiting for the next code is all it takes. Still counted, so this
        // answer cannot be used to test passwords faster than the rate limit allows.
        Outcome counted = recordFailure(login, device);
        return counted == Outcome.WRONG_CREDENTIALS ? Outcome.CODE_ALREADY_USED : counted;
      }
      releaseAttempt(login, device, now);
      String certificate = issueCertificate(login, now);
      LoginRecord decided = objects.update(loginKey(login.id()), LoginRecord.class, current -> {
        LoginRecord l = current.orElseThrow();
        return l.status().equals(LoginRecord.PENDING) && !l.expired(now)
            ? l.withStatus(LoginRecord.APPROVED, certificate) : l;
      });
      return certificate.equals(decided.certificate()) ? Outcome.APPROVED : Outcome.ALREADY_DECIDED;
    });
  }

  /** Counts an attempt on the login request; false, counting nothing, once it has had its limit or is decided. */
  private boolean reserveLoginAttempt(String loginId, Instant now) {
    boolean[] reserved = new boolean[1];
    objects.update(loginKey(loginId), LoginRecord.class, current -> {
      LoginRecord login = current.orElseThrow();
      reserved[0] = login.status().equals(LoginRecord.PENDING) && !login.expired(now)
          && login.failures() < MAX_LOGIN_FAILURES;
      return reserved[0] ? login.attempted() : login;
    });
    return reserved[0];
  }

  /**
   * Counts an attempt against the username's window; false, counting nothing, once the window
   * is full. Unknown usernames have windows too (apart from users' records), so that being
   * held back does not tell a stranger which usernames exist.
   */
  private boolean reserveUserAttempt(LoginRecord login, Instant now) {
    boolean[] reserved = new boolean[1];
    if (!login.userKnown()) {
      objects.update(unknownKey(login.username()), AttemptWindow.class, current -> {
        List<Instant> recent = new ArrayList<>(recent(current.map(AttemptWindow::recent).orElse(null), now));
        reserved[0] = recent.size() < MAX_USER_FAILURES;
        if (reserved[0]) {
          recent.add(now);
        }
        return new AttemptWindow(List.copyOf(recent));
      });
      return reserved[0];
    }
    objects.update(userKey(login.username()), UserRecord.class, current -> {
      UserRecord user = current.orElseThrow();
      List<Instant> recent = new ArrayList<>(recentFailures(user, now));
      reserved[0] = recent.size() < MAX_USER_FAILURES;
      if (reserved[0]) {
        recent.add(now);
      }
      return user.withFailures(recent);
    });
    return reserved[0];
  }

  /** Counts an attempt against a remembered device's own window; false, counting nothing, once it is full. */
  private boolean reserveDeviceAttempt(String deviceId, Instant now) {
    boolean[] reserved = new boolean[1];
    objects.update(deviceKey(deviceId), AttemptWindow.class, current -> {
      List<Instant> recent = new ArrayList<>(recent(current.map(AttemptWindow::recent).orElse(null), now));
      reserved[0] = recent.size() < MAX_DEVICE_FAILURES;
      if (reserved[0]) {
        recent.add(now);
      }
      return new AttemptWindow(List.copyOf(recent));
    });
    return reserved[0];
  }

  /** Gives back the attempt counted at {@code at} in the window it was counted in (the device's, or the user's). */
  private void releaseAttempt(LoginRecord login, String deviceId, Instant at) {
    if (deviceId == null) {
      releaseUserAttempt(login, at);
      return;
    }
    objects.update(deviceKey(deviceId), AttemptWindow.class, current -> {
      List<Instant> recent = new ArrayList<>(current.map(AttemptWindow::recent).orElse(List.of()));
      recent.remove(at);
      return new AttemptWindow(List.copyOf(recent));
    });
  }

  /** Gives back the attempt counted at {@code at}: it was approved, or never checked. */
  private void releaseUserAttempt(LoginRecord login, Instant at) {
    if (!login.userKnown()) {
      return;
    }
    objects.update(userKey(login.username()), UserRecord.class, current -> {
      UserRecord user = current.orElseThrow();
      List<Instant> failures = new ArrayList<>(user.recentFailures() == null ? List.of() : user.recentFailures());
      failures.remove(at);
      return user.withFailures(failures);
    });
  }

  private Outcome decide(String userCode, java.util.function.Function<LoginRecord, Outcome> action) {
    Optional<LoginRecord> found = loginByUserCode(userCode);
    if (found.isEmpty()) {
      return Outcome.UNKNOWN_CODE;
    }
    LoginRecord login = found.get();
    if (!login.status().equals(LoginRecord.PENDING)) {
      return Outcome.ALREADY_DECIDED;
    }
    if (login.expired(clock.instant())) {
      return Outcome.EXPIRED;
    }
    return action.apply(login);
  }

  /** Accepts a TOTP step once per user, atomically across processes. */
  private boolean claimTotpStep(String username, long step) {
    boolean[] claimed = new boolean[1];
    objects.update(userKey(username), UserRecord.class, current -> {
      UserRecord user = current.orElseThrow();
      claimed[0] = step > user.lastTotpStep();
      return claimed[0] ? user.withTotpStep(step) : user;
    });
    return claimed[0];
  }

  /** The attempt was counted before it was checked; a login that has used its last attempt is denied. */
  private Outcome recordFailure(LoginRecord login, String deviceId) {
    LoginRecord updated = objects.update(loginKey(login.id()), LoginRecord.class, current -> {
      LoginRecord l = current.orElseThrow();
      return l.status().equals(LoginRecord.PENDING) && l.failures() >= MAX_LOGIN_FAILURES
          ? l.withStatus(LoginRecord.DENIED, null) : l;
    });
    if (updated.status().equals(LoginRecord.DENIED)) {
      return Outcome.TOO_MANY_ATTEMPTS;
    }
    long wait = deviceId != null ? deviceRetryAfterSeconds(deviceId) : retryAfterSeconds(login.username());
    return wait > 0 ? Outcome.TOO_MANY_ATTEMPTS : Outcome.WRONG_CREDENTIALS;
  }

  private static List<Instant> recentFailures(UserRecord user, Instant now) {
    return recent(user.recentFailures(), now);
  }

  private static List<Instant> recent(List<Instant> attempts, Instant now) {
    Instant since = now.minus(FAILURE_WINDOW);
    return attempts == null ? List.of() : attempts.stream().filter(t -> t.isAfter(since)).sorted().toList();
  }

  /** Approval attempts for a username nobody has registered, kept like a user's. */
  record AttemptWindow(List<Instant> recent) {}

  // Limits and sweeps -------------------------------------------------------------------------

  /** Seconds until this request's source may post the login form again, having taken one go; 0 if now. */
  long approvalWait(Context ctx) {
    return approvals.take(source(ctx));
  }

  private void limit(Context ctx, SourceLimiter limiter) {
    long wait = limiter.take(source(ctx));
    if (wait > 0) {
      ctx.header("Retry-After", Long.toString(wait));
      throw ApiException.tooManyRequests("Too many requests from your address; try again in " + wait + " s.");
    }
  }

  /** The client's address: the peer's, or behind a proxy the last one the proxy added to its header. */
  private String source(Context ctx) {
    if (clientAddressHeader != null) {
      String forwarded = ctx.header(clientAddressHeader);
      if (forwarded != null && !forwarded.isBlank()) {
        String[] hops = forwarded.split(",");
        return hops[hops.length - 1].strip();
      }
    }
    return ctx.ip();
  }

  /**
   * Deletes login requests that expired more than {@link #KEEP_EXPIRED} ago (with their
   * user and device codes), and attempt windows of unknown usernames with no attempt left in
   * them; returns how many objects it deleted. Every process sweeps; deleting twice is harmless.
   */
  int sweep() {
    Instant now = clock.instant();
    int deleted = 0;
    for (String key : objects.store().list("identity/logins/")) {
      Optional<LoginRecord> login;
      try {
        login = objects.get(key, LoginRecord.class);
      } catch (RuntimeException e) {
        continue;
      }
      if (login.isPresent() && now.isAfter(login.get().expiresAt().plus(KEEP_EXPIRED))) {
        deleted += objects.store().delete(userCodeKey(login.get().userCode())) ? 1 : 0;
        deleted += objects.store().delete("identity/device-codes/" + login.get().deviceCodeHash()) ? 1 : 0;
        deleted += objects.store().delete(key) ? 1 : 0;
      }
    }
    for (String key : objects.store().list("identity/devices/")) {
      Optional<AttemptWindow> window = objects.get(key, AttemptWindow.class);
      if (window.isPresent() && recent(window.get().recent(), now).isEmpty()) {
        deleted += objects.store().delete(key) ? 1 : 0;
      }
    }
    for (String key : objects.store().list("identity/unknown-users/")) {
      Optional<AttemptWindow> window = objects.get(key, AttemptWindow.class);
      if (window.isPresent() && recent(window.get().recent(), now).isEmpty()) {
        deleted += objects.store().delete(key) ? 1 : 0;
      }
    }
    return deleted;
  }

  // CSRF tokens of the login page -----------------------------------------------------------

  /**
   * A form token bound to the page's cookie nonce and to what the form acts on (a login's
   * user code), signed with identity's key: unlike a plain double-submit pair, it cannot be
   * made by anyone who can only set cookies, nor moved to another login request.
   */
  String csrfToken(String nonce, String binding) {
    return Base64Url.encode(issuerKey.get().sign(csrfMessage(nonce, binding)));
  }

  boolean csrfMatches(String nonce, String binding, String token) {
    try {
      return issuerKey.get().verifyingKey().verify(Base64Url.decode(token), csrfMessage(nonce, binding));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static byte[] csrfMessage(String nonce, String binding) {
    return ("acquire-login-form\n" + nonce + "\n" + binding).getBytes(StandardCharsets.UTF_8);
  }

  // Remembered devices of the login page -----------------------------------------------------

  /**
   * A token for the browser that just approved a login of {@code username}: identity's
   * signature over the username, a device id (the one it already had, if its token was valid,
   * so its attempt window follows it) and the issue time. See {@link #rememberedDevice}.
   */
  String deviceToken(String username, String previousToken) {
    Instant now = clock.instant();
    String device = rememberedDevice(username, previousToken, now);
    String payload = username + "\n" + (device != null ? device : randomToken(16)) + "\n" + now.getEpochSecond();
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    return "v1." + Base64Url.encode(bytes) + "." + Base64Url.encode(issuerKey.get().sign(deviceMessage(bytes)));
  }

  /**
   * The device id in {@code token} if it is identity's signature for {@code username}, issued
   * within {@link #DEVICE_LIFETIME} and not in the future; null for anything else (no token,
   * another user's, forged, tampered with, expired), which is then treated as no cookie.
   */
  String rememberedDevice(String username, String token, Instant now) {
    if (token == null || token.length() > MAX_DEVICE_TOKEN) {
      return null;
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || !parts[0].equals("v1")) {
      return null;
    }
    try {
      byte[] payload = Base64Url.decode(parts[1]);
      if (!issuerKey.get().verifyingKey().verify(Base64Url.decode(parts[2]), deviceMessage(payload))) {
        return null;
      }
      String[] fields = new String(payload, StandardCharsets.UTF_8).split("\n", -1);
      if (fields.length != 3 || !fields[0].equals(username) || fields[1].isEmpty()) {
        return null;
      }
      Instant issued = Instant.ofEpochSecond(Long.parseLong(fields[2]));
      boolean current = !issued.isAfter(now.plusSeconds(60)) && now.isBefore(issued.plus(DEVICE_LIFETIME));
      return current ? fields[1] : null;
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      return null;
    }
  }

  /** Domain-separated from the CSRF tokens and certificates signed with the same key. */
  private static byte[] deviceMessage(byte[] payload) {
    byte[] prefix = "acquire-login-device\n".getBytes(StandardCharsets.UTF_8);
    byte[] message = new byte[prefix.length + payload.length];
    System.arraycopy(prefix, 0, message, 0, prefix.length);
    System.arraycopy(payload, 0, message, prefix.length, payload.length);
    return message;
  }

  /** The login page's public URL, for its origin and whether its cookies must be Secure. */
  String publicUrl() {
    return context.url();
  }

  private String issueCertificate(LoginRecord login, Instant now) {
    SessionClaims claims = new SessionClaims(context.name(), login.username(), UUID.randomUUID().toString(),
        login.sessionKey(), SessionClaims.SCOPE_USER, now, now.plus(sessionLifetime));
    return SessionCertificate.issue(claims, issuerKey.get()).token();
  }

  // Keys and helpers -----------------------------------------------------------------------

  static String normaliseUserCode(String userCode) {
    if (userCode == null) {
      return null;
    }
    String letters = userCode.toUpperCase(Locale.ROOT).replaceAll("[^A-Z]", "");
    if (letters.length() != 8 || !letters.chars().allMatch(c -> USER_CODE_ALPHABET.indexOf(c) >= 0)) {
      return null;
    }
    return letters.substring(0, 4) + "-" + letters.substring(4);
  }

  private static String userKey(String username) {
    return "identity/users/" + ObjectKeys.segment(username);
  }

  /** Where a TOTP secret belongs: sealed for one user, it cannot be copied into another's record. */
  private static String totpContext(String username) {
    return userKey(username) + "#totp";
  }

  private static String unknownKey(String username) {
    return "identity/unknown-users/" + ObjectKeys.segment(username);
  }

  private static String deviceKey(String deviceId) {
    return "identity/devices/" + ObjectKeys.segment(deviceId);
  }

  private static String loginKey(String loginId) {
    return "identity/logins/" + ObjectKeys.segment(loginId);
  }

  private static String userCodeKey(String userCode) {
    return "identity/user-codes/" + userCode;
  }

  static String randomToken(int bytes) {
    byte[] token = new byte[bytes];
    RANDOM.nextBytes(token);
    return Base64Url.encode(token);
  }
}

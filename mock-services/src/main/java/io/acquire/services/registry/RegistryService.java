package io.acquire.services.registry;

import io.acquire.client.wire.ServiceInfo;
import io.acquire.client.wire.ServiceInfo.RetiringKey;
import io.acquire.client.wire.VerifyingKey;
import io.acquire.services.AcquireServer;
import io.acquire.services.Service;
import io.acquire.services.ServiceContext;
import io.acquire.services.http.ApiException;
import io.acquire.services.http.Bodies;
import io.acquire.services.http.Routes;
import io.acquire.services.http.ServiceCallVerifier;
import io.acquire.services.http.TrustedKeys;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.store.ObjectKeys;
import io.javalin.http.Context;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Publishes every service's URL and public keys. Clients and services trust a service by
 * the keys listed here, not by the URL they reached it at.
 *
 * <p>A service on another host registers itself with {@code PUT /services/{name}}, signed
 * with its key: the first registration of a name proves possession of the key it lists;
 * every later one (a new URL, a new key) must be signed with the current key. A new key
 * becomes current at once and the old one stays trusted for the grace period asked for
 * (at most {@code registry.max-grace-hours}, default a week), so what was signed under it
 * (identity's session certificates, requests in flight) keeps verifying meanwhile.
 */
public final class RegistryService implements Service {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RegistryService.class);
  private static final String PREFIX = "registry/services/";

  /** What a service sends to register itself. */
  public record Registration(String url, String publicKey, Long graceSeconds) {}

  private final ServiceContext context;
  private final JsonObjects objects;
  private final Duration maxGrace;

  public RegistryService(ServiceContext context) {
    this.context = context;
    this.objects = context.objects();
    this.maxGrace = Duration.ofHours(context.intOption("max-grace-hours", 24 * 7));
  }

  /** Records {@code info} as it is, replacing what was there: for tests that stand in for a service. */
  public static void publish(JsonObjects objects, ServiceInfo info) {
    objects.put(PREFIX + ObjectKeys.segment(info.name()), info);
  }

  /**
   * Records service {@code name} at {@code url} with current key {@code publicKey}. If that
   * is a new key, the one it replaces is trusted until {@code now + grace}; retiring keys
   * whose grace has ended are dropped.
   */
  public static ServiceInfo register(JsonObjects objects, String name, String url, String publicKey, Duration grace,
      Instant now) {
    return register(objects, name, url, publicKey, grace, now, null);
  }

  /** {@link #register}, only if the entry's current key (or, for a new entry, the key listed) is {@code signedBy}. */
  private static ServiceInfo register(JsonObjects objects, String name, String url, String publicKey, Duration grace,
      Instant now, String signedBy) {
    return objects.update(PREFIX + ObjectKeys.segment(name), ServiceInfo.class, current -> {
      String holder = current.map(ServiceInfo::publicKey).orElse(publicKey);
      if (signedBy != null && !signedBy.equals(holder)) {
        throw ApiException.unauthorized("The registration of " + name + " must be signed with its current key.");
      }
      if (current.isEmpty()) {
        return new ServiceInfo(name, url, publicKey, List.of());
      }
      ServiceInfo old = current.get();
      List<RetiringKey> retiring = new ArrayList<>(old.retiringKeys().stream()
          .filter(k -> now.isBefore(k.retiresAt())).toList());
      if (retiring.stream().anyMatch(k -> k.publicKey().equals(publicKey))) {
        throw ApiException.conflict("That key of " + name + " was rotated out and cannot become current again; "
            + "rotate to a new key.");
      }
      if (!old.publicKey().equals(publicKey) && !grace.isZero() && !grace.isNegative()) {
        retiring.add(new RetiringKey(old.publicKey(), now.plus(grace)));
      }
      return new ServiceInfo(name, url, publicKey, retiring);
    });
  }

  public static Optional<ServiceInfo> lookup(JsonObjects objects, String name) {
    return objects.get(PREFIX + ObjectKeys.segment(name), ServiceInfo.class);
  }

  public static List<ServiceInfo> all(JsonObjects objects) {
    return objects.store().list(PREFIX).stream()
        .map(key -> objects.get(key, ServiceInfo.class))
        .flatMap(Optional::stream)
        .toList();
  }

  @Override
  public void mount(Routes routes) {
    routes.get("/services", ctx -> ctx.json(Map.of("services", all(objects))));
    routes.get("/services/{name}", ctx -> {
      String name = ctx.pathParam("name");
      ctx.json(lookup(objects, name).orElseThrow(
          () -> ApiException.notFound("No service named '" + name + "' is registered.")));
    });
    routes.put("/services/{name}", this::registerOverHttp);
  }

  private void registerOverHttp(Context ctx) {
    String name = ctx.pathParam("name");
    if (!AcquireServer.availableServices().contains(name)) {
      throw ApiException.notFound("There is no service called '" + name + "'; services are "
          + String.join(", ", AcquireServer.availableServices()) + ".");
    }
    Registration registration = Bodies.json(ctx, Registration.class);
    String url = Bodies.required("url", registration.url(), 2048);
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("Field 'url' is not a URL.");
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
      throw ApiException.badRequest("Field 'url' must be an http or https URL such as https://host/t/" + name + ".");
    }
    String publicKey = Bodies.required("publicKey", registration.publicKey(), 64);
    VerifyingKey key;
    try {
      key = VerifyingKey.fromBase64Url(publicKey);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("Field 'publicKey' must be an Ed25519 public key in base64url.");
    }
    long graceSeconds = registration.graceSeconds() == null ? 0 : registration.graceSeconds();
    if (graceSeconds < 0 || graceSeconds > maxGrace.toSeconds()) {
      throw ApiException.badRequest("Field 'graceSeconds' must be 0 to " + maxGrace.toSeconds() + ".");
    }
    // Only the current key may change an entry; a name nobody holds yet goes to whoever proves
    // they hold the key they list.
    Optional<ServiceInfo> current = lookup(objects, name);
    List<VerifyingKey> signer = List.of(current.map(i -> VerifyingKey.fromBase64Url(i.publicKey())).orElse(key));
    TrustedKeys trusted = new TrustedKeys() {
      @Override
      public List<VerifyingKey> keysOf(String service) {
        return signer;
      }

      @Override
      public List<VerifyingKey> refreshedKeysOf(String service) {
        return signer;
      }
    };
    new ServiceCallVerifier(context.store(), context.clock(), context.signatureWindow(), trusted)
        .verify(ctx, Set.of(name));
    // The entry may have changed since it was read: register checks the signer again as it writes.
    ServiceInfo registered = register(objects, name, url, publicKey, Duration.ofSeconds(graceSeconds),
        context.clock().instant(), signer.get(0).toBase64Url());
    log.info("Registered {} at {} with key {} ({})", name, url, publicKey,
        current.isEmpty() ? "first registration" : current.get().publicKey().equals(publicKey) ? "same key"
            : "rotated; the old key retires in " + graceSeconds + " s");
    ctx.json(registered);
  }
}

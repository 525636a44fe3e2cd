package io.acquire.services.http;

import io.acquire.client.wire.Base64Url;
import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.VerifyingKey;
import io.acquire.services.store.ObjectStore;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a call from another service ({@link ServiceSignature}): signed by a key the
 * registry lists for the calling service (its current key, or a retiring one within its
 * grace), fresh, and never seen before. Refusals are 401 with the reason; a service
 * that is not among an endpoint's callers, and any person or job, get 403.
 */
public final class ServiceCallVerifier {
  private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{16,128}");
  private static final Pattern SERVICE = Pattern.compile("[a-z]{1,32}");

  private final ObjectStore store;
  private final Clock clock;
  private final Duration window;
  private final TrustedKeys keys;

  public ServiceCallVerifier(ObjectStore store, Clock clock, Duration window, TrustedKeys keys) {
    this.store = store;
    this.clock = clock;
    this.window = window;
    this.keys = keys;
  }

  /** The calling service's name, once its request is proven and its nonce claimed. */
  public String verify(Context ctx, Set<String> callers) {
    String service = ctx.header(ServiceSignature.SERVICE_HEADER);
    if (service == null || service.isEmpty()) {
      if (ctx.header(RequestSignature.CERTIFICATE_HEADER) != null) {
        throw ApiException.forbidden("This endpoint is for Acquire's own services, not for people's sessions or "
            + "jobs' credentials.");
      }
      throw ApiException.unauthorized("Header " + ServiceSignature.SERVICE_HEADER + " is missing: this endpoint "
          + "takes only calls signed by another Acquire service.");
    }
    if (!SERVICE.matcher(service).matches()) {
      throw ApiException.unauthorized(ServiceSignature.SERVICE_HEADER + " must be a service's name.");
    }
    VerifyingKey key;
    try {
      key = VerifyingKey.fromBase64Url(header(ctx, ServiceSignature.KEY_HEADER));
    } catch (IllegalArgumentException e) {
      throw ApiException.unauthorized(ServiceSignature.KEY_HEADER + " is not an Ed25519 public key.");
    }
    long timestamp;
    try {
      timestamp = Long.parseLong(header(ctx, RequestSignature.TIMESTAMP_HEADER));
    } catch (NumberFormatException e) {
      throw ApiException.unauthorized(RequestSignature.TIMESTAMP_HEADER + " must be whole seconds since the epoch.");
    }
    if (Math.abs(clock.instant().getEpochSecond() - timestamp) > window.toSeconds()) {
      throw ApiException.unauthorized("Request timestamp is more than " + window.toSeconds()
          + " s from the service's clock; check the calling host's clock and send a fresh request.");
    }
    String nonce = header(ctx, RequestSignature.NONCE_HEADER);
    if (!NONCE.matcher(nonce).matches()) {
      throw ApiException.unauthorized(RequestSignature.NONCE_HEADER + " must be 16 to 128 base64url characters.");
    }
    byte[] signature;
    try {
      signature = Base64Url.decode(header(ctx, RequestSignature.SIGNATURE_HEADER));
    } catch (IllegalArgumentException e) {
      throw ApiException.unauthorized("Request signature is malformed: " + e.getMessage() + ".");
    }
    byte[] canonical = ServiceSignature.canonical(service, ctx.method().name(), RequestVerifier.target(ctx),
        RequestSignature.sha256Hex(ctx.bodyAsBytes()), timestamp, nonce);
    // Whether the key is trusted is asked only of a signature that is the key's own, so a
    // forged request cannot make this process read the registry.
    if (!key.verify(signature, canonical)) {
      throw ApiException.unauthorized("Request signature does not match its " + ServiceSignature.KEY_HEADER
          + ": the request was changed in transit or signed with another key.");
    }
    // Only the endpoint's own callers are looked up, so made-up service names cost no registry reads.
    if (!callers.contains(service)) {
      throw ApiException.forbidden("Only " + String.join(", ", callers) + " may call this endpoint, not " + service
          + ".");
    }
    List<VerifyingKey> trusted = keys.keysOf(service);
    if (!trusted.contains(key)) {
      trusted = keys.refreshedKeysOf(service);
    }
    if (!trusted.contains(key)) {
      throw ApiException.unauthorized("The key this request is signed with is not one the registry lists for "
          + service + " (or its grace period after a rotation has ended).");
    }
    byte[] seenAt = Long.toString(timestamp).getBytes(StandardCharsets.US_ASCII);
    if (store.putNew(SessionKeys.nonce("service:" + service, nonce), seenAt).isEmpty()) {
      throw ApiException.unauthorized("Nonce was already used: this request is a replay.");
    }
    return service;
  }

  private static String header(Context ctx, String name) {
    String value = ctx.header(name);
    if (value == null || value.isEmpty()) {
      throw ApiException.unauthorized("Header " + name + " is missing: calls between services are signed.");
    }
    return value;
  }
}

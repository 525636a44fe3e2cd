package io.acquire.services.http;

import io.acquire.client.wire.Base64Url;
import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How one service signs a request to another: with its own registered key, over the same
 * canonical form as a person's request (method, path and query, body SHA-256, time, nonce),
 * prefixed by a line of its own and the calling service's name. The prefix keeps the two
 * kinds apart: a service's signature can never pass for a session's, nor one service's
 * for another's.
 */
public final class ServiceSignature {
  /** The calling service's name, as registered. */
  public static final String SERVICE_HEADER = "X-Acquire-Service";
  /** The public key (base64url) the request is signed with: one the registry lists for the service. */
  public static final String KEY_HEADER = "X-Acquire-Service-Key";
  private static final String VERSION = "ACQUIRE-SERVICE-REQUEST-V1";
  private static final SecureRandom RANDOM = new SecureRandom();

  private ServiceSignature() {}

  /** The bytes a service's key signs. */
  public static byte[] canonical(String service, String method, String target, String bodySha256Hex,
      long epochSeconds, String nonce) {
    byte[] request = RequestSignature.canonicalForDigest(method, target, bodySha256Hex, epochSeconds, nonce);
    byte[] prefix = (VERSION + "\n" + service + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[prefix.length + request.length];
    System.arraycopy(prefix, 0, all, 0, prefix.length);
    System.arraycopy(request, 0, all, prefix.length, request.length);
    return all;
  }

  /** The five headers for one request, with a fresh nonce: sign again for every attempt. */
  public static Map<String, String> sign(String service, SigningKey key, String method, String target, byte[] body,
      long epochSeconds) {
    byte[] nonceBytes = new byte[18];
    RANDOM.nextBytes(nonceBytes);
    String nonce = Base64Url.encode(nonceBytes);
    byte[] signature = key.sign(canonical(service, method, target, RequestSignature.sha256Hex(body), epochSeconds,
        nonce));
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(SERVICE_HEADER, service);
    headers.put(KEY_HEADER, key.verifyingKey().toBase64Url());
    headers.put(RequestSignature.TIMESTAMP_HEADER, Long.toString(epochSeconds));
    headers.put(RequestSignature.NONCE_HEADER, nonce);
    headers.put(RequestSignature.SIGNATURE_HEADER, Base64Url.encode(signature));
    return headers;
  }
}

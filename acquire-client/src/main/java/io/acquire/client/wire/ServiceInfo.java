package io.acquire.client.wire;

/**
 * A service as the registry publishes it, and as each service describes itself at its root.
 *
 * @param name {@code registry}, {@code identity}, {@code accounting}, {@code storage} or {@code compute}
 * @param url the service's base URL, such as {@code http://localhost:8080/t/identity}
 * @param publicKey the service's Ed25519 signing key, base64url; trust follows the key
 */
public record ServiceInfo(String name, String url, String publicKey) {}

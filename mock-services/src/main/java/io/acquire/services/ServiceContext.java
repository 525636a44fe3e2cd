package io.acquire.services;

import io.acquire.client.wire.ServiceInfo;
import io.acquire.client.wire.SigningKey;
import io.acquire.services.http.RequestVerifier;
import io.acquire.services.registry.ServiceClient;
import io.acquire.services.registry.ServiceDirectory;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.store.ObjectStore;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What a service is given: the shared store, a clock, its own signing key, the request
 * verifier, the server's public URL, the registry's directory of the other services (and
 * which of them run in this process) and the operator's options ({@code --set name.key=value}).
 */
public final class ServiceContext {
  private final String name;
  private final ObjectStore store;
  private final Clock clock;
  private final Supplier<SigningKey> signingKey;
  private final KeyEncryptionKey keyEncryptionKey;
  private final RequestVerifier verifier;
  private final Supplier<String> publicUrl;
  private final Map<String, String> options;
  private final Map<Class<?>, AutoCloseable> shared;
  private final Set<String> local;
  private final ServiceDirectory directory;
  private final String registryUrl;

  ServiceContext(String name, ObjectStore store, Clock clock, Supplier<SigningKey> signingKey,
      KeyEncryptionKey keyEncryptionKey, RequestVerifier verifier, Supplier<String> publicUrl,
      Map<String, String> options, Map<Class<?>, AutoCloseable> shared, Set<String> local,
      ServiceDirectory directory, String registryUrl) {
    this.name = name;
    this.store = store;
    this.clock = clock;
    this.signingKey = signingKey;
    this.keyEncryptionKey = keyEncryptionKey;
    this.verifier = verifier;
    this.publicUrl = publicUrl;
    this.options = Map.copyOf(options);
    this.shared = shared;
    this.local = Set.copyOf(local);
    this.directory = directory;
    this.registryUrl = registryUrl;
  }

  /**
   * The one {@code type} of this server, made by {@code create} on first use and closed
   * with the server: for state that services in one process share, such as the ledger
   * that accounting and compute both use.
   */
  public <T extends AutoCloseable> T shared(Class<T> type, Supplier<T> create) {
    synchronized (shared) {
      return type.cast(shared.computeIfAbsent(type, t -> create.get()));
    }
  }

  public java.time.Duration signatureWindow() {
    return verifier.window();
  }

  public String name() {
    return name;
  }

  public ObjectStore store() {
    return store;
  }

  public JsonObjects objects() {
    return new JsonObjects(store);
  }

  public Clock clock() {
    return clock;
  }

  /** This service's current key: read it at each use, since a rotation replaces it. */
  public SigningKey signingKey() {
    return signingKey.get();
  }

  /** Whether {@code service} runs in this process, so that calls to it may stay direct. */
  public boolean runsHere(String service) {
    return local.contains(service);
  }

  /** Calls to other services over HTTP, signed with this service's key. */
  public ServiceClient client() {
    return new ServiceClient(name, signingKey, directory, clock);
  }

  /** The registry's URL, for processes (job runners) that must find the services themselves. */
  public String registryUrl() {
    return registryUrl != null ? registryUrl : urlOf("registry");
  }

  /** What secrets kept in the store are encrypted with. */
  public KeyEncryptionKey keyEncryptionKey() {
    return keyEncryptionKey;
  }

  public RequestVerifier verifier() {
    return verifier;
  }

  /** This service's public base URL, e.g. {@code http://localhost:8080/t/identity}; known once the server listens. */
  public String url() {
    return publicUrl.get() + "/t/" + name;
  }

  /** The public URL of another service: on this server's root if it runs here, else as the registry lists it. */
  public String urlOf(String service) {
    return runsHere(service) ? publicUrl.get() + "/t/" + service : directory.urlOf(service);
  }

  /** This service as the registry lists it, or as this process would register it if it is not listed yet. */
  public ServiceInfo info() {
    return directory.lookup(name).filter(i -> i.url().equals(url()))
        .orElseGet(() -> new ServiceInfo(name, url(), signingKey().verifyingKey().toBase64Url()));
  }

  /** The operator's option {@code <service>.<key>}, or {@code fallback}. */
  public String option(String key, String fallback) {
    return options.getOrDefault(name + "." + key, fallback);
  }

  /** Another service's option {@code <service>.<key>}, for settings that services must agree on. */
  public String optionOf(String service, String key, String fallback) {
    return options.getOrDefault(service + "." + key, fallback);
  }

  public int intOption(String key, int fallback) {
    String value = options.get(name + "." + key);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Option " + name + "." + key + " must be a whole number, not '" + value + "'");
    }
  }
}

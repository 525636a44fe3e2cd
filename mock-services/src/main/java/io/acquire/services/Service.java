package io.acquire.services;

import io.acquire.services.http.Routes;

/**
 * One of the backend's stateless functions, mounted at {@code /t/<name>}. All its state
 * lives in {@link ServiceContext#store()}, so any number of processes can serve it.
 */
public interface Service {
  /** Adds this service's endpoints; {@code GET /t/<name>/} (its {@code ServiceInfo}) is added by the host. */
  void mount(Routes routes);

  /** Stops background work (sweeps, recovery); called when the server stops. */
  default void close() {}
}

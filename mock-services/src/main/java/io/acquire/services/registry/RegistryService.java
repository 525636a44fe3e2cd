package io.acquire.services.registry;

import io.acquire.client.wire.ServiceInfo;
import io.acquire.services.Service;
import io.acquire.services.ServiceContext;
import io.acquire.services.http.ApiException;
import io.acquire.services.http.Routes;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.store.ObjectKeys;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Publishes every service's URL and public key. Clients and services trust a service by
 * the key listed here, not by the URL they reached it at.
 */
public final class RegistryService implements Service {
  private static final String PREFIX = "registry/services/";

  private final JsonObjects objects;

  public RegistryService(ServiceContext context) {
    this.objects = context.objects();
  }

  /** Records {@code info}; every server does this for each service it starts. */
  public static void publish(JsonObjects objects, ServiceInfo info) {
    objects.put(PREFIX + ObjectKeys.segment(info.name()), info);
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
  }
}

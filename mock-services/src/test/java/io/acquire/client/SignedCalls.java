package io.acquire.client;

import io.acquire.client.internal.Transport;

/** For backend tests: a user's signed transport to a service, to send requests the SDK's types would never build. */
public final class SignedCalls {
  private SignedCalls() {}

  public static Transport to(User user, String service) {
    return user.signedTransport(service);
  }
}

package io.acquire.client;

import java.time.Duration;

/** How the SDK waits between retries and polls; tests swap in one that does not sleep. */
@FunctionalInterface
public interface Sleeper {
  Sleeper REAL = duration -> Thread.sleep(duration.toMillis());

  void sleep(Duration duration) throws InterruptedException;
}

package io.acquire.services.testing;

import io.acquire.client.Account;
import io.acquire.client.Drive;
import io.acquire.client.User;
import io.acquire.services.AcquireServer;

/**
 * The real backend on port 0 with one person logged in through the SDK, an account and a
 * drive "inputs": what tests of jobs end to end start from.
 */
public record JobsBackend(AcquireServer server, User user, Account account, Drive inputs) implements AutoCloseable {

  /** Starts {@code server} with cheap password hashes and two cores, and logs {@code username} in. */
  public static JobsBackend start(AcquireServer.Builder server, String username, String accountName) {
    AcquireServer started = server.port(0).option("identity.bcrypt-cost", "4").option("compute.cores", "2").start();
    User user = RealLogins.loggedIn(started.url(), username);
    return new JobsBackend(started, user, Account.create(user, accountName), Drive.open(user, "inputs"));
  }

  @Override
  public void close() {
    user.close();
    server.close();
  }
}

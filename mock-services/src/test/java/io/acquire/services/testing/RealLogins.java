package io.acquire.services.testing;

import io.acquire.client.ApproveLogin;
import io.acquire.client.LoginRequest;
import io.acquire.client.User;
import io.acquire.client.wire.Totp;
import java.time.Duration;
import java.time.Instant;

/** Users logged in through the real identity flow: register, request, approve on the login page, wait. */
public final class RealLogins {
  public static final String PASSWORD = "long enough password";

  private RealLogins() {}

  /** A logged-in user of the backend at {@code serverUrl}. */
  public static User loggedIn(String serverUrl, String username) {
    return loggedIn(User.create(username, serverUrl + "/t/identity"));
  }

  /** Registers and logs in {@code user}, however it was built. */
  public static User loggedIn(User user) {
    Totp totp = Totp.fromProvisioningUriUnsafe(user.register(PASSWORD).provisioningUriUnsafe());
    LoginRequest login = user.requestLogin();
    ApproveLogin.approve(login.url(), user.username(), PASSWORD, totp.code(Instant.now()));
    user.waitForLogin(Duration.ofSeconds(20));
    return user;
  }
}

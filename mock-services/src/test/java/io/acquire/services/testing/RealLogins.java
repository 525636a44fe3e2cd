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
    return loggedIn(user, new Totp[1]);
  }

  /** Registers and logs in {@code user}, leaving its authenticator in {@code authenticator[0]} for later logins. */
  public static User loggedIn(User user, Totp[] authenticator) {
    authenticator[0] = Totp.fromProvisioningUriUnsafe(user.register(PASSWORD).provisioningUriUnsafe());
    return logIn(user, authenticator[0].code(Instant.now()));
  }

  /**
   * Logs a registered person in once more (another {@link User}, as from a second device),
   * with the authenticator's next code: identity accepts each step's code once, and the next
   * step's too (for clock skew), so this never repeats the code of a login just made.
   */
  public static User loggedInAgain(User user, Totp authenticator) {
    return logIn(user, authenticator.code(Instant.now().plus(Duration.ofSeconds(30))));
  }

  private static User logIn(User user, String code) {
    LoginRequest login = user.requestLogin();
    ApproveLogin.approve(login.url(), user.username(), PASSWORD, code);
    user.waitForLogin(Duration.ofSeconds(20));
    return user;
  }
}

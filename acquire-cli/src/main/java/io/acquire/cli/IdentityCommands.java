package io.acquire.cli;

import io.acquire.client.ApproveLogin;
import io.acquire.client.LoginRequest;
import io.acquire.client.Registration;
import io.acquire.client.SessionInfo;
import io.acquire.client.User;
import io.acquire.client.Totp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Logging in and out, registering, and approving a login (the phone's role). */
final class IdentityCommands {
  private IdentityCommands() {}

  @Command(name = "login", mixinStandardHelpOptions = true,
      description = {"Log in: shows a QR code (and its URL and code) to open on your phone, waits for you to "
          + "approve there, and keeps the session in the wallet for later commands until logout or expiry.",
          "Remembers --url and --user in the profile."},
      footerHeading = "%nExamples:%n",
      footer = {"  acquire login --url http://127.0.0.1:8080 --user ada",
          "  acquire login                          # the profile's backend and user"})
  static final class Login implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--timeout", paramLabel = "SECONDS",
        description = "Give up waiting after this long (default: until the login request expires, 10 minutes).")
    Long timeoutSeconds;

    @Option(names = "--again", description = "Start a new login even if a session is saved.")
    boolean again;

    @Option(names = "--no-qr", description = "Print the URL and code only.")
    boolean noQr;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      cli.startsLogin();
      User user = cli.user();
      if (user.isLoggedIn() && !again) {
        remember(cli, user);
        report(cli, user, "Already logged in as ");
        return ExitCodes.OK;
      }
      LoginRequest login = user.requestLogin();
      if (cli.json()) {
        Map<String, Object> started = new LinkedHashMap<>();
        started.put("url", login.url());
        started.put("userCode", login.userCode());
        started.put("expiresAt", login.expiresAt());
        cli.json(started);
      } else {
        if (!noQr) {
          QrTerminal.lines(login.url(), Terminal.colours()).forEach(cli.out::println);
        }
        cli.out.println("Open " + login.url());
        cli.out.println("and check it shows the code " + cli.colour("@|bold " + login.userCode() + "|@")
            + ". Waiting for approval until " + login.expiresAt() + "...");
      }
      cli.out.flush();
      if (timeoutSeconds != null) {
        user.waitForLogin(Duration.ofSeconds(timeoutSeconds));
      } else {
        user.waitForLogin();
      }
      remember(cli, user);
      report(cli, user, "Logged in as ");
      return ExitCodes.OK;
    }

    private static void remember(Cli cli, User user) {
      cli.config.set(cli.profile, "url", cli.url());
      cli.config.set(cli.profile, "user", user.username());
      cli.config.save();
    }

    private static void report(Cli cli, User user, String lead) {
      if (cli.json()) {
        cli.json(Map.of("username", user.username(), "expiresAt", user.sessionExpiresAt()));
      } else {
        cli.out.println(lead + cli.colour("@|green " + user.username() + "|@") + " until " + user.sessionExpiresAt()
            + ".");
      }
    }
  }

  @Command(name = "register", mixinStandardHelpOptions = true,
      description = {"Register a new user and show the authenticator set-up as a QR code: scan it once into an "
          + "authenticator app, whose codes approve every login.",
          "The QR code holds your authenticator secret: clear the screen afterwards."},
      footerHeading = "%nExamples:%n",
      footer = {"  acquire register --url http://127.0.0.1:8080 --user ada        # asks for the password twice",
          "  printf '%%s\\n' \"$PASSWORD\" | acquire register --user ada --password-stdin"})
  static final class Register implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Passwords password;

    @Option(names = "--show-secret", description = "Also print the otpauth:// set-up URI (it contains the secret).")
    boolean showSecret;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      User user = cli.user();
      Registration registration = user.register(password.read("New password for " + user.username(), true));
      cli.config.set(cli.profile, "url", cli.url());
      cli.config.set(cli.profile, "user", user.username());
      cli.config.save();
      if (cli.json()) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("username", registration.username());
        if (showSecret) {
          json.put("provisioningUri", registration.provisioningUriUnsafe());
        }
        cli.json(json);
        return ExitCodes.OK;
      }
      QrTerminal.lines(registration.provisioningUriUnsafe(), Terminal.colours()).forEach(cli.out::println);
      if (showSecret) {
        cli.out.println(registration.provisioningUriUnsafe());
      }
      cli.out.println("Registered " + registration.username() + ". Scan the code above into your authenticator app, "
          + "then: acquire login");
      return ExitCodes.OK;
    }
  }

  @Command(name = "whoami", mixinStandardHelpOptions = true,
      description = "Show who the saved session belongs to, asking identity (a signed call, so it proves the "
          + "session works).",
      footerHeading = "%nExamples:%n", footer = {"  acquire whoami", "  acquire whoami --json | jq -r .username"})
  static final class WhoAmI implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      SessionInfo who = cli.loggedIn().whoAmI();
      if (cli.json()) {
        cli.json(who);
      } else {
        cli.out.println(who.username() + " at " + cli.url() + ", session " + who.sessionId() + " (" + who.scope()
            + ") until " + who.expiresAt());
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "logout", mixinStandardHelpOptions = true,
      description = "End the session on every service at once and delete it from the wallet.",
      footerHeading = "%nExamples:%n", footer = "  acquire logout")
  static final class Logout implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      User user = cli.user();
      boolean was = user.isLoggedIn();
      user.logout();
      if (cli.json()) {
        cli.json(Map.of("username", user.username(), "loggedOut", was));
      } else {
        cli.out.println(was ? "Logged out " + user.username() + "." : "Not logged in as " + user.username() + ".");
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "approve", mixinStandardHelpOptions = true,
      description = {"Approve a login from this trusted device, as the login page does on a phone: with the "
          + "password and the current authenticator code.",
          "Refuses a login page that names another user."},
      footerHeading = "%nExamples:%n",
      footer = {"  acquire approve 'http://127.0.0.1:8080/t/identity/login?code=WDJB-MJHT' --user ada --totp 123456",
          "  acquire approve \"$URL\" --user ada --password-env PASSWORD --totp-secret-env TOTP_SECRET"})
  static final class Approve implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Passwords password;

    @Parameters(index = "0", paramLabel = "LOGIN_URL", description = "The login's URL (what its QR code holds).")
    String url;

    @ArgGroup(exclusive = true)
    Code code;

    static final class Code {
      @Option(names = "--totp", paramLabel = "CODE", description = "The authenticator's current 6-digit code.")
      String totp;

      @Option(names = "--totp-secret-env", paramLabel = "VAR",
          description = "Compute the code from the Base32 secret in environment variable VAR.")
      String secretEnv;
    }

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      String username = cli.username();
      String secret = password.read("Password for " + username, false);
      ApproveLogin.approve(url, username, secret, totp(cli));
      if (cli.json()) {
        cli.json(Map.of("username", username, "approved", true));
      } else {
        cli.out.println("Approved the login for " + username + ".");
      }
      return ExitCodes.OK;
    }

    private String totp(Cli cli) {
      if (code != null && code.totp != null) {
        return code.totp;
      }
      if (code != null && code.secretEnv != null) {
        String secret = System.getenv(code.secretEnv);
        if (secret == null) {
          throw new IllegalArgumentException("Environment variable " + code.secretEnv + " is not set.");
        }
        return Totp.fromBase32Unsafe(secret).code(Instant.now());
      }
      java.io.Console console = System.console();
      if (console == null) {
        throw new IllegalArgumentException("Give the authenticator code: --totp CODE or --totp-secret-env VAR.");
      }
      String line = console.readLine("Authenticator code: ");
      if (line == null || line.isBlank()) {
        throw new IllegalArgumentException("No authenticator code given.");
      }
      return line.strip();
    }
  }
}

package io.acquire.cli;

import io.acquire.client.Account;
import io.acquire.client.AccountSummary;
import io.acquire.client.AuthenticationException;
import io.acquire.client.NotFoundException;
import io.acquire.client.User;
import io.acquire.client.Wallet;
import io.acquire.client.wire.Json;
import java.io.PrintStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.CommandSpec;

/** One run's settings (options over environment over profile), its user and its output. */
final class Cli implements AutoCloseable {
  static final String DEFAULT_URL = "http://127.0.0.1:8080";
  static final String DEFAULT_DRIVE = "inputs";

  final Config config;
  final String profile;
  final PrintStream out = System.out;
  final PrintStream err = System.err;
  private final Main options;
  private final Map<String, String> env;
  private final Ansi ansi;
  private User user;
  private OkHttpClient http;
  private boolean needsHostName;

  Cli(Main options, Map<String, String> env) {
    this.options = options;
    this.env = env;
    this.config = Config.load(env);
    this.profile = first(options.profile, env.get("ACQUIRE_PROFILE"), "default");
    this.ansi = Terminal.colours() ? Ansi.ON : Ansi.OFF;
  }

  /** The run's shared state, from any command's spec. */
  static Cli of(CommandSpec spec) {
    return ((Main) spec.root().userObject()).cli();
  }

  boolean json() {
    return options.json;
  }

  String url() {
    String url = first(options.url, env.get("ACQUIRE_URL"), config.get(profile, "url"), DEFAULT_URL);
    return url.replaceAll("/+$", "");
  }

  String identityUrl() {
    String url = url();
    return url.endsWith("/t/identity") ? url : url + "/t/identity";
  }

  /** Who the user is, or null if no option, variable or profile says. */
  String usernameOrNull() {
    return first(options.user, env.get("ACQUIRE_USER"), config.get(profile, "user"));
  }

  String username() {
    String name = usernameOrNull();
    if (name == null) {
      throw new IllegalArgumentException("Say who you are: --user NAME (acquire login --user NAME remembers it).");
    }
    return name;
  }

  /** The user, resuming the session saved in the wallet if there is one. */
  User user() {
    if (user == null) {
      config.ensureDirectory(); // before the SDK makes the wallet inside it
      User.Builder builder = User.builder().username(username()).identityUrl(identityUrl())
          .deviceName(deviceName()).wallet(Wallet.inDirectory(config.walletDirectory()));
      if (identityUrl().startsWith("http://")) {
        // Plain HTTP only: OkHttp then skips setting up TLS (the JDK's trust store and SSL
        // context), a fifth of the start-up of a command against a local backend.
        http = new OkHttpClient.Builder().connectionSpecs(List.of(ConnectionSpec.CLEARTEXT))
            .connectTimeout(Duration.ofSeconds(10)).readTimeout(Duration.ofSeconds(30))
            .writeTimeout(Duration.ofSeconds(30)).build();
        builder.httpClient(http);
      }
      user = builder.build();
    }
    return user;
  }

  /** How the login page names this client; the host name is looked up only when a login needs it. */
  private String deviceName() {
    return "acquire command line on " + (needsHostName ? hostName() : "this computer");
  }

  /** Say, before {@link #user()}, that this command starts a login, whose page shows the host name. */
  void startsLogin() {
    needsHostName = true;
  }

  /** The user, who must hold a live session. */
  User loggedIn() {
    User current = user();
    if (!current.isLoggedIn()) {
      throw new AuthenticationException(0, "not_logged_in", "Not logged in as " + current.username() + " at "
          + url() + ": run acquire login.", null);
    }
    return current;
  }

  /** The account called {@code name}, else the profile's, else the user's only (or first) account. */
  Account account(String name) {
    return chosen(name, Account.list(loggedIn()), Account::name, Account::id);
  }

  /** {@link #account(String)}'s account with its status, from the one call that lists them all. */
  AccountSummary accountStatus(String name) {
    return chosen(name, Account.statuses(loggedIn()), AccountSummary::name, AccountSummary::id);
  }

  /** Of the user's accounts (sub-accounts included), the one {@link #account(String)} describes. */
  private <T> T chosen(String name, List<T> accounts, Function<T, String> nameOf, Function<T, String> idOf) {
    String chosen = first(name, env.get("ACQUIRE_ACCOUNT"), config.get(profile, "account"));
    if (chosen != null) {
      return byNameOrId(chosen, accounts, nameOf, idOf);
    }
    if (accounts.isEmpty()) {
      throw new IllegalArgumentException("You have no account yet: acquire account create NAME.");
    }
    return accounts.get(0);
  }

  /** One of {@code accounts} by name, else by id. */
  private static <T> T byNameOrId(String nameOrId, List<T> accounts, Function<T, String> nameOf,
      Function<T, String> idOf) {
    return accounts.stream().filter(a -> nameOf.apply(a).equals(nameOrId)).findFirst()
        .or(() -> accounts.stream().filter(a -> idOf.apply(a).equals(nameOrId)).findFirst())
        .orElseThrow(() -> new NotFoundException(404, "not_found", "You have no account named '" + nameOrId
            + "'; acquire account list lists them.", null));
  }

  /** Like {@link #account(String)} for the profile's account, but null for a user with no account. */
  Account accountOrNull() {
    String chosen = first(env.get("ACQUIRE_ACCOUNT"), config.get(profile, "account"));
    List<Account> accounts = Account.list(loggedIn());
    if (chosen != null) {
      return byNameOrId(chosen, accounts, Account::name, Account::id);
    }
    return accounts.isEmpty() ? null : accounts.get(0);
  }

  String defaultDrive() {
    return first(config.get(profile, "drive"), DEFAULT_DRIVE);
  }

  /** Colour markup (picocli's {@code @|bold,green text|@}) when on a terminal, plain text otherwise. */
  String colour(String markup) {
    return ansi.string(markup);
  }

  void json(Object value) {
    out.println(Json.writeString(value));
  }

  /** Progress and chatter for people: on stderr, so stdout stays the result. */
  void note(String text) {
    if (!json()) {
      err.println(text);
    }
  }

  @Override
  public void close() {
    if (user != null) {
      user.close(); // keeps the wallet's session
    }
    if (http != null) {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  static String first(String... values) {
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return null;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "this computer";
    }
  }
}

package io.acquire.client;

import io.acquire.client.internal.Errors;
import io.acquire.client.wire.RequestSignature;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Approves a login from a trusted device, exactly as a person's phone does: opens the
 * login page, checks it is for the expected user, and submits password and
 * authenticator code through the page's form (with its anti-forgery token). Nothing
 * here bypasses the login page.
 *
 * <pre>{@code
 * ApproveLogin.approve(login.url(), "ada", password, totp.code(Instant.now()));
 * }</pre>
 *
 * <p>From a shell, keeping the password off the command line:
 * {@code java -cp acquire-client.jar io.acquire.client.ApproveLogin URL --user ada --password-env ACQUIRE_PASSWORD --totp 123456}
 */
public final class ApproveLogin {
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  private static final Pattern SHOWN_USER = Pattern.compile("sign in as <strong>([^<]+)</strong>");
  private static final Pattern MESSAGE = Pattern.compile("<p class=\"(?:message|error)\"([^>]*)>(.*?)</p>", Pattern.DOTALL);
  private static final Pattern ERROR_CODE = Pattern.compile("data-code=\"([a-z_]+)\"");

  private ApproveLogin() {}

  /**
   * Approves the login at {@code loginUrl} for {@code username}.
   *
   * @throws AuthenticationException if the password or code is wrong
   * @throws RateLimitException after too many wrong attempts
   * @throws ConflictException if the login was already approved, denied, or has expired
   * @throws PermissionException if the page is for another user
   */
  public static void approve(String loginUrl, String username, String password, String totpCode) {
    approve(new OkHttpClient(), loginUrl, username, password, totpCode);
  }

  static void approve(OkHttpClient http, String loginUrl, String username, String password, String totpCode) {
    Objects.requireNonNull(password, "password == null");
    Objects.requireNonNull(totpCode, "totpCode == null");
    HttpUrl url = HttpUrl.parse(Objects.requireNonNull(loginUrl, "loginUrl == null"));
    if (url == null || url.queryParameter("code") == null) {
      throw new IllegalArgumentException("Not a login URL with a code: " + loginUrl);
    }
    OkHttpClient client = http.newBuilder().followRedirects(false).build();
    String page;
    String cookie;
    try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
      page = response.body() == null ? "" : response.body().string();
      if (!response.isSuccessful()) {
        throw failure(response, page);
      }
      cookie = response.headers("Set-Cookie").stream().filter(c -> c.startsWith("acquire_csrf="))
          .map(c -> c.substring(0, c.indexOf(';') < 0 ? c.length() : c.indexOf(';'))).findFirst()
          .orElseThrow(() -> new InvalidResponseException(response.code(), "The login page set no anti-forgery cookie.", null));
    } catch (IOException e) {
      throw new TransportException("Cannot open the login page " + url.redact() + ": " + e.getMessage(), e);
    }
    Matcher shown = SHOWN_USER.matcher(page);
    if (!shown.find()) {
      throw new InvalidResponseException(200, "The page at " + url.redact() + " is not an Acquire login page.", null);
    }
    if (!shown.group(1).equals(username)) {
      throw new PermissionException(0, "wrong_user", "This login is for '" + shown.group(1) + "', not '" + username
          + "'; not approved.", null);
    }
    Matcher csrf = CSRF.matcher(page);
    if (!csrf.find()) {
      throw new InvalidResponseException(200, "The login page has no anti-forgery field.", null);
    }
    HttpUrl post = url.newBuilder().query(null).build();
    FormBody form = new FormBody.Builder()
        .add("csrf", csrf.group(1)).add("code", url.queryParameter("code"))
        .add("password", password).add("totp", totpCode.strip()).add("action", "approve").build();
    try (Response response = client.newCall(new Request.Builder().url(post).header("Cookie", cookie)
        .post(form).build()).execute()) {
      String result = response.body() == null ? "" : response.body().string();
      if (!response.isSuccessful() || !result.contains("Login approved")) {
        throw failure(response, result);
      }
    } catch (IOException e) {
      throw new TransportException("Cannot submit the login page " + post.redact() + ": " + e.getMessage(), e);
    }
  }

  /** The page's message as the documented error: status, the page's stable code, its sentence and the request id. */
  private static AcquireException failure(Response response, String page) {
    Matcher message = MESSAGE.matcher(page);
    String code = null;
    String text = "HTTP " + response.code();
    if (message.find()) {
      Matcher data = ERROR_CODE.matcher(message.group(1));
      code = data.find() ? data.group(1) : null;
      text = message.group(2).replaceAll("<[^>]+>", "").strip();
    }
    String retryAfter = response.header("Retry-After");
    return Errors.of(response.code(), code, text, response.header(RequestSignature.REQUEST_ID_HEADER),
        retryAfter == null ? null : java.time.Duration.ofSeconds(Long.parseLong(retryAfter.trim())));
  }

  /**
   * {@code ApproveLogin URL --user NAME (--password-env VAR | --password-stdin)
   * (--totp CODE | --totp-secret-env VAR)}: exit 0 when approved, 1 when refused, 2 on bad arguments.
   */
  public static void main(String[] args) {
    System.exit(run(args, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))));
  }

  static int run(String[] args, BufferedReader stdin) {
    String url = null;
    String user = null;
    String password = null;
    String totp = null;
    List<String> errors = new ArrayList<>();
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--user" -> user = args[++i];
          case "--password-env" -> password = env(args[++i], errors);
          case "--password-stdin" -> password = stdin.readLine();
          case "--totp" -> totp = args[++i];
          case "--totp-secret-env" -> {
            String secret = env(args[++i], errors);
            totp = secret == null ? null : Totp.fromBase32Unsafe(secret).code(Instant.now());
          }
          case "-h", "--help" -> {
            System.out.println(usage());
            return 0;
          }
          default -> {
            if (args[i].startsWith("--") || url != null) {
              errors.add("Unknown argument " + args[i] + ".");
            } else {
              url = args[i];
            }
          }
        }
      }
    } catch (ArrayIndexOutOfBoundsException e) {
      errors.add("The last option needs a value.");
    } catch (IOException | IllegalArgumentException e) {
      errors.add("Cannot read an argument: " + e.getMessage());
    }
    if (url == null) {
      errors.add("The login URL is required.");
    }
    if (user == null) {
      errors.add("--user is required.");
    }
    if (password == null) {
      errors.add("A password is required: --password-env VAR or --password-stdin.");
    }
    if (totp == null) {
      errors.add("An authenticator code is required: --totp CODE or --totp-secret-env VAR.");
    }
    if (!errors.isEmpty()) {
      errors.forEach(System.err::println);
      System.err.println(usage());
      return 2;
    }
    try {
      approve(url, user, password, totp);
      System.out.println("Approved the login for " + user + ".");
      return 0;
    } catch (AcquireException | IllegalArgumentException e) {
      System.err.println("Not approved: " + e.getMessage());
      return 1;
    }
  }

  private static String env(String name, List<String> errors) {
    String value = System.getenv(name);
    if (value == null) {
      errors.add("Environment variable " + name + " is not set.");
    }
    return value;
  }

  private static String usage() {
    return "Usage: ApproveLogin LOGIN_URL --user NAME (--password-env VAR | --password-stdin)"
        + " (--totp CODE | --totp-secret-env VAR)";
  }
}

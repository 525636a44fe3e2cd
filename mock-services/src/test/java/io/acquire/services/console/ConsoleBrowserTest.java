package io.acquire.services.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.Account;
import io.acquire.client.ApproveLogin;
import io.acquire.client.Drive;
import io.acquire.client.Group;
import io.acquire.client.Job;
import io.acquire.client.JobSpec;
import io.acquire.client.LoginRequest;
import io.acquire.client.Money;
import io.acquire.client.User;
import io.acquire.client.wire.Totp;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.HeadlessChromium;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in headless Chromium against the real backend on port 0: login by the
 * QR/approval flow, every page and action, CSRF refusals and session expiry. Screenshots
 * for docs/console.md are written to docs/images/.
 */
class ConsoleBrowserTest {
  private static final String PASSWORD = "long enough password";
  private static final String ENDLESS = "{\"system\":{\"cellsPerSide\":6,\"density\":1.374,\"cutoffSigmas\":2.5},"
      + "\"protocol\":{\"runtime\":100000,\"timestep\":5,\"reportInterval\":0.05}}";
  private static final AtomicInteger USERS = new AtomicInteger();
  private static final Path IMAGES = Files.isDirectory(Path.of("..", "docs", "images"))
      ? Path.of("..", "docs", "images") : Path.of("target");

  static AcquireServer server;
  /** One browser for every test (starting one takes seconds); each test starts with no cookies. */
  static ChromeDriver chrome;

  @BeforeAll
  static void start() {
    chrome = HeadlessChromium.start();
    chrome.manage().window().setSize(new Dimension(1100, 1000));
    server = AcquireServer.builder().store(new MemoryObjectStore()).port(0).option("identity.bcrypt-cost", "4")
        .option("identity.poll-interval-seconds", "1").option("compute.cores", "2")
        .option("storage.price-per-gib-year", "100.00").start();
  }

  @AfterAll
  static void stop() {
    chrome.quit();
    server.close();
  }

  /** A registered person, logged in through the SDK for setting things up, and their authenticator. */
  record Person(String name, Totp totp, User sdk, Account account) {}

  /**
   * Registers a fresh user and logs the SDK in with the current step's code; the console's
   * login then uses the next step's (see {@link #nextCode}). A code for the step before now
   * failed whenever the approval reached identity after a step boundary (two steps off).
   */
  static Person person(AcquireServer on, String prefix) {
    String name = prefix + USERS.incrementAndGet();
    User user = User.create(name, on.url() + "/t/identity");
    Totp totp = Totp.fromProvisioningUriUnsafe(user.register(PASSWORD).provisioningUriUnsafe());
    LoginRequest login = user.requestLogin();
    ApproveLogin.approve(login.url(), name, PASSWORD, totp.code(Instant.now()));
    user.waitForLogin(Duration.ofSeconds(20));
    return new Person(name, totp, user, Account.create(user, "main"));
  }

  /**
   * When the console's login takes its code: the step after the SDK's (identity accepts one
   * step either side of its own and never a step already used), which stays acceptable if
   * a step boundary passes before the approval arrives.
   */
  private static Instant nextCode() {
    return Instant.now().plusSeconds(30);
  }

  private static ChromeDriver browser() {
    chrome.get(server.url() + "/console/live.js");
    chrome.manage().deleteAllCookies();
    return chrome;
  }

  /**
   * Clicks what loads a new page (every action here is a plain link or form) and waits until
   * the old page is gone, so the next look is at the new one, however slow the machine.
   */
  private static void clickAndLoad(ChromeDriver browser, By what) {
    WebElement page = browser.findElement(By.tagName("html"));
    browser.findElement(what).click();
    waiting(browser, 30).until(driver -> isGone(page));
  }

  /**
   * Whether the page {@code element} belongs to has been replaced. Mid-navigation Chromium
   * sometimes answers that the node "does not belong to the document" instead of calling
   * it stale: its document is gone all the same.
   */
  private static boolean isGone(WebElement element) {
    try {
      element.isEnabled();
      return false;
    } catch (org.openqa.selenium.StaleElementReferenceException e) {
      return true;
    } catch (org.openqa.selenium.WebDriverException e) {
      if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
        return true;
      }
      throw e;
    }
  }

  private static WebDriverWait waiting(ChromeDriver browser, int seconds) {
    return new WebDriverWait(browser, Duration.ofSeconds(seconds));
  }

  /** Starts a console login and returns the login URL shown (with its QR code) to be approved elsewhere. */
  private static String startLogin(ChromeDriver browser, String baseUrl, String username) {
    browser.get(baseUrl + "/console/login");
    browser.findElement(By.id("login-username")).sendKeys(username);
    clickAndLoad(browser, By.id("start-login"));
    // The waiting page refreshes itself until the login is approved: read it whole, again if it reloaded meanwhile.
    return waiting(browser, 20).ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(b -> {
      assertTrue(b.findElement(By.id("login-qr")).getAttribute("src").startsWith("data:image/png;base64,"));
      return b.findElement(By.id("login-url")).getAttribute("href");
    });
  }

  /** Logs {@code person} into the console, approved by the SDK's approver with the current step's code. */
  private static void logIn(ChromeDriver browser, String baseUrl, Person person, Instant codeAt) {
    String url = startLogin(browser, baseUrl, person.name());
    ApproveLogin.approve(url, person.name(), PASSWORD, person.totp().code(codeAt));
    waiting(browser, 20).until(b -> b.getCurrentUrl().endsWith("/console/accounts"));
  }

  private static void shot(String name) throws Exception {
    Files.write(IMAGES.resolve("console-" + name + ".png"), chrome.getScreenshotAs(OutputType.BYTES));
  }

  private static String csrfOf(String html) {
    Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
    assertTrue(m.find(), html);
    return m.group(1);
  }

  @Test
  void aLoginApprovedInASecondBrowserSignsTheConsoleInUntilLogout() throws Exception {
    Person ada = person(server, "ada");
    ChromeDriver browser = browser();
    browser.get(server.url() + "/console");
    assertTrue(browser.getCurrentUrl().endsWith("/console/login"), "signed out, the console asks for a login");
    Cookie before = browser.manage().getCookieNamed(Console.COOKIE);
    String url = startLogin(browser, server.url(), ada.name());
    String shownCode = browser.findElement(By.id("user-code")).getText();
    shot("login-qr");

    ChromeDriver phone = HeadlessChromium.start();
    try {
      phone.get(url);
      assertEquals(shownCode, phone.findElement(By.id("user-code")).getText(), "the phone shows the same code");
      phone.findElement(By.id("password")).sendKeys(PASSWORD);
      phone.findElement(By.id("totp")).sendKeys(ada.totp().code(nextCode()));
      clickAndLoad(phone, By.id("approve"));
      assertTrue(phone.findElement(By.id("message")).getText().contains("Login approved"), phone.getPageSource());
    } finally {
      phone.quit();
    }

    // The waiting page refreshes itself (no script needed) and moves on once approved.
    waiting(browser, 20).until(b -> b.getCurrentUrl().endsWith("/console/accounts"));
    assertEquals(ada.name(), browser.findElement(By.id("username")).getText());
    Cookie session = browser.manage().getCookieNamed(Console.COOKIE);
    assertTrue(session.isHttpOnly(), "scripts cannot read the session cookie");
    assertEquals("Strict", session.getSameSite());
    assertEquals("/console", session.getPath());
    assertNotEquals(before.getValue(), session.getValue(), "a new session id once signed in");
    assertTrue(browser.findElement(By.id("accounts")).getText().contains("main"));

    clickAndLoad(browser, By.id("logout"));
    assertTrue(browser.findElement(By.id("ended")).getText().contains("logged out"));
    browser.get(server.url() + "/console/accounts");
    assertTrue(browser.getCurrentUrl().contains("/console/login"), "logged out, pages ask for a login again");
    ada.sdk().close();
  }

  @Test
  void accountsShowBalancesHoldsCapsAndAStatementOfWhatEachLinePaidFor() throws Exception {
    Person ada = person(server, "acc");
    Account savings = Account.create(ada.sdk(), "savings");
    ada.account().transferTo(savings, Money.of("2.50", "GBP"), "for the next run");
    ada.account().hold(Money.of("1.25", "GBP"), Duration.ofHours(1), "a pending quote");
    ChromeDriver browser = browser();
    logIn(browser, server.url(), ada, nextCode());

    String table = browser.findElement(By.id("accounts")).getText();
    assertTrue(table.contains("savings") && table.contains("2.50 GBP"), table);
    assertTrue(table.contains("1.25 GBP (1)"), "the hold is shown: " + table);
    shot("accounts");

    clickAndLoad(browser, By.linkText("main"));
    String statement = browser.findElement(By.id("statement")).getText();
    assertTrue(statement.contains("for the next run") && statement.contains("-2.50 GBP"), statement);
    assertTrue(browser.findElement(By.id("holds")).getText().contains("1.25 GBP"));
    WebElement cap = browser.findElement(By.id("cap"));
    cap.clear();
    cap.sendKeys("7.50");
    clickAndLoad(browser, By.id("set-limits"));
    assertTrue(browser.getPageSource().contains("7.50 GBP"), "the new daily cap is shown");
    assertEquals(Money.of("7.50", "GBP"), ada.account().status().dailyCap());
    shot("statement");

    cap = browser.findElement(By.id("cap"));
    cap.clear();
    cap.sendKeys("lots");
    clickAndLoad(browser, By.id("set-limits"));
    assertTrue(browser.findElement(By.id("message")).getText().contains("is not an amount of GBP"),
        browser.getPageSource());
    ada.sdk().close();
  }

  @Test
  void drivesShowFilesVersionsAndAccessAndShareUnshareAndLink() throws Exception {
    Person ada = person(server, "drv");
    Person bob = person(server, "bob");
    Drive drive = Drive.open(ada.sdk(), "results", ada.account());
    drive.write("run/energies.csv", "t,E\n0,-1\n".getBytes(StandardCharsets.UTF_8));
    drive.write("run/energies.csv", "t,E\n0,-1\n1,-2\n".getBytes(StandardCharsets.UTF_8));
    drive.write("notes <i>b</i> & c.txt", "escaped".getBytes(StandardCharsets.UTF_8));
    ChromeDriver browser = browser();
    logIn(browser, server.url(), ada, nextCode());

    clickAndLoad(browser, By.linkText("Drives"));
    clickAndLoad(browser, By.linkText("results"));
    String files = browser.findElement(By.id("files")).getText();
    assertTrue(files.contains("notes <i>b</i> & c.txt"), "names are shown as text, never as markup: " + files);
    assertTrue(browser.findElements(By.cssSelector("#files i")).isEmpty());
    clickAndLoad(browser, By.linkText("run/energies.csv"));
    assertEquals(3, browser.findElements(By.cssSelector("#versions tr")).size(), "a header and two versions");
    browser.navigate().back();

    browser.findElement(By.id("share-username")).sendKeys(bob.name());
    new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("share-role"))).selectByValue("WRITER");
    clickAndLoad(browser, By.id("share"));
    String access = browser.findElement(By.id("access")).getText();
    assertTrue(access.contains(bob.name()) && access.contains("writer"), access);
    assertEquals(1, Drive.sharedWithMe(bob.sdk()).size(), "bob now sees the drive");

    browser.findElement(By.id("link-path")).sendKeys("run/energies.csv");
    clickAndLoad(browser, By.id("create-link"));
    String link = browser.findElement(By.id("new-link")).getAttribute("href");
    HttpResponse<String> fetched = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(link)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, fetched.statusCode());
    assertEquals("t,E\n0,-1\n1,-2\n", fetched.body(), "the link serves the newest version");
    shot("drive");

    clickAndLoad(browser, By.cssSelector("button[aria-label^='Revoke link']"));
    assertTrue(browser.findElement(By.id("links")).getText().contains("revoked"));
    int revoked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(link)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
    assertTrue(revoked >= 400 && revoked < 500, "a revoked link serves nothing: " + revoked);
    clickAndLoad(browser, By.cssSelector("button[aria-label='Unshare with " + bob.name() + "']"));
    assertFalse(browser.findElement(By.id("access")).getText().contains(bob.name()));
    assertTrue(Drive.sharedWithMe(bob.sdk()).isEmpty(), "bob no longer sees the drive");
    ada.sdk().close();
    bob.sdk().close();
  }

  @Test
  void deletingShowsTheRefundBeforeConfirmingAndTheRefundReachesTheStatement() throws Exception {
    Person ada = person(server, "out");
    Drive drive = Drive.open(ada.sdk(), "results", ada.account());
    drive.write("big.bin", new byte[3 * 1024 * 1024]);
    drive.write("keep/notes.txt", "kept".getBytes(StandardCharsets.UTF_8));
    ChromeDriver browser = browser();
    logIn(browser, server.url(), ada, nextCode());

    clickAndLoad(browser, By.linkText("Outputs"));
    clickAndLoad(browser, By.linkText("results"));
    clickAndLoad(browser, By.cssSelector("a[aria-label='Delete big.bin']"));
    Money quoted = Money.of(browser.findElement(By.id("refund")).getText().split(" ")[0], "GBP");
    assertTrue(quoted.isPositive(), "a year paid ahead, just begun: most of it comes back");
    assertEquals(2, drive.files().size(), "nothing is deleted before confirming");
    shot("delete-confirm");
    clickAndLoad(browser, By.id("confirm-delete"));
    Money refunded = Money.of(browser.findElement(By.id("refunded")).getText().split(" ")[0], "GBP");
    assertTrue(refunded.isPositive() && refunded.compareTo(quoted) <= 0, refunded + " vs quoted " + quoted);
    assertEquals(List.of("keep/notes.txt"), drive.files().stream().map(f -> f.path()).toList());

    clickAndLoad(browser, By.linkText("account " + ada.account().id()));
    String statement = browser.findElement(By.id("statement")).getText();
    assertTrue(statement.contains("storage refund: drive results, big.bin v1 deleted"), statement);
    assertTrue(statement.contains(refunded.toString()), "the refund line shows what came back: " + statement);

    browser.get(server.url() + "/console/outputs/" + drive.id());
    browser.findElement(By.id("years")).clear();
    browser.findElement(By.id("years")).sendKeys("2");
    clickAndLoad(browser, By.id("extend"));
    assertTrue(browser.findElement(By.id("message")).getText().startsWith("Extended 1 version(s); charged"));
    browser.findElement(By.id("title")).sendKeys("Kept notes");
    browser.findElement(By.id("creators")).sendKeys("Lovelace, Ada");
    browser.findElement(By.id("description")).sendKeys("What we kept.");
    browser.findElement(By.id("publish-folder")).sendKeys("keep");
    clickAndLoad(browser, By.id("publish"));
    assertTrue(browser.findElement(By.id("publication")).getText().startsWith("10.5072/"));
    drive.write("old/log.txt", "old".getBytes(StandardCharsets.UTF_8));
    browser.get(server.url() + "/console/outputs/" + drive.id());
    browser.findElement(By.id("archive-folder")).sendKeys("old");
    clickAndLoad(browser, By.id("archive"));
    assertTrue(browser.findElement(By.id("message")).getText().startsWith("Archived 1 version(s)"));
    assertTrue(browser.findElement(By.id("payments")).getText().contains("archive"));
    shot("outputs");
    ada.sdk().close();
  }

  @Test
  void aRunningJobsEnergiesArePlottedLiveAndItsCostIsShownAgainstItsQuote() throws Exception {
    Person ada = person(server, "job");
    Drive inputs = Drive.open(ada.sdk(), "inputs", ada.account());
    inputs.write("md/endless.json", ENDLESS.getBytes(StandardCharsets.UTF_8));
    Job job = Job.quote(ada.sdk(), JobSpec.workload("md-equilibrate").input(inputs, "md/endless.json").cores(1)
        .memoryMib(512).maxRuntime(Duration.ofMinutes(2)).paidBy(ada.account())).submit();
    ChromeDriver browser = browser();
    logIn(browser, server.url(), ada, nextCode());

    clickAndLoad(browser, By.linkText("Jobs"));
    assertTrue(browser.findElement(By.id("jobs")).getText().contains(job.id()));
    clickAndLoad(browser, By.linkText(job.id()));
    WebElement chart = browser.findElement(By.id("energy-chart"));
    int first = Integer.parseInt(chart.getAttribute("data-points"));
    browser.executeScript("window.stillTheSamePage = true;");
    // The script polls the records and redraws in place: more points, no reload.
    waiting(browser, 60).until(b -> Integer.parseInt(b.findElement(By.id("energy-chart"))
        .getAttribute("data-points")) > first + 10);
    assertEquals(Boolean.TRUE, browser.executeScript("return window.stillTheSamePage === true;"));
    assertEquals("running", browser.findElement(By.id("status")).getText());
    String points = browser.findElement(By.cssSelector("polyline[data-column='total_kJmol']")).getAttribute("points");
    assertTrue(points.split(" ").length > first + 10, points);
    shot("job-live");

    clickAndLoad(browser, By.id("cancel-job"));
    waiting(browser, 60).until(b -> {
      b.navigate().refresh();
      return b.findElement(By.id("status")).getText().equals("cancelled");
    });
    String cost = browser.findElement(By.id("cost")).getText();
    assertTrue(cost.contains(" of the " + job.price() + " quoted"), cost);
    clickAndLoad(browser, By.id("outputs"));
    assertTrue(browser.findElement(By.tagName("h1")).getText().startsWith("Drive "), "the outputs drive opens");
    ada.sdk().close();
  }

  @Test
  void filesAreUploadedByAPlainFormAndDownloadedAsAttachmentsWholeOrInRanges() throws Exception {
    Person ada = person(server, "files");
    Drive drive = Drive.open(ada.sdk(), "uploads", ada.account());
    drive.write("readme.txt", "first".getBytes(StandardCharsets.UTF_8));
    drive.write("readme.txt", "second".getBytes(StandardCharsets.UTF_8));
    byte[] table = new byte[300_000]; // over the 256 KiB any other form may post
    new java.util.Random(7).nextBytes(table);
    Path local = Files.createTempDirectory("console-upload").resolve("table.bin");
    Files.write(local, table);
    ChromeDriver browser = browser();
    logIn(browser, server.url(), ada, nextCode());
    clickAndLoad(browser, By.linkText("Drives"));
    clickAndLoad(browser, By.linkText("uploads"));

    browser.findElement(By.id("upload-file")).sendKeys(local.toString());
    browser.findElement(By.id("upload-folder")).sendKeys("run/");
    clickAndLoad(browser, By.id("upload"));
    assertFalse(browser.findElements(By.id("message")).isEmpty(), browser.getPageSource());
    assertEquals("Uploaded run/table.bin as version 1 (300000 bytes).", browser.findElement(By.id("message")).getText());
    assertTrue(browser.findElement(By.id("files")).getText().contains("run/table.bin"));
    Path back = local.resolveSibling("back.bin");
    drive.download("run/table.bin", back);
    assertTrue(java.util.Arrays.equals(table, Files.readAllBytes(back)), "stored byte for byte");
    shot("drive-upload");

    String cookie = Console.COOKIE + "=" + browser.manage().getCookieNamed(Console.COOKIE).getValue();
    HttpClient http = HttpClient.newHttpClient();
    String href = browser.findElement(By.cssSelector("a[aria-label='Download run/table.bin']")).getAttribute("href");
    HttpResponse<byte[]> whole = http.send(HttpRequest.newBuilder(URI.create(href)).header("Cookie", cookie).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, whole.statusCode());
    assertEquals("attachment; filename=\"table.bin\"; filename*=UTF-8''table.bin",
        whole.headers().firstValue("Content-Disposition").orElse(""));
    assertTrue(java.util.Arrays.equals(table, whole.body()), "the whole file");
    HttpResponse<byte[]> part = http.send(HttpRequest.newBuilder(URI.create(href)).header("Cookie", cookie)
        .header("Range", "bytes=1000-1999").build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(206, part.statusCode());
    assertEquals("bytes 1000-1999/300000", part.headers().firstValue("Content-Range").orElse(""));
    assertTrue(java.util.Arrays.equals(java.util.Arrays.copyOfRange(table, 1000, 2000), part.body()), "the range");

    // An older version, from its row on the versions page.
    clickAndLoad(browser, By.linkText("readme.txt"));
    String first = browser.findElement(By.cssSelector("a[aria-label='Download readme.txt version 1']"))
        .getAttribute("href");
    assertEquals("first", http.send(HttpRequest.newBuilder(URI.create(first)).header("Cookie", cookie).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    HttpResponse<String> noCookie = http.send(HttpRequest.newBuilder(URI.create(first)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(303, noCookie.statusCode(), "no session, no file: " + noCookie.body());
    assertTrue(noCookie.headers().firstValue("Location").orElse("").startsWith("/console/login"));

    // An upload whose form lacks the session's token stores nothing.
    String boundary = "b" + System.nanoTime();
    String forged = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nforged\r\n--" + boundary
        + "\r\nContent-Disposition: form-data; name=\"upload-file\"; filename=\"evil.txt\"\r\n"
        + "Content-Type: text/plain\r\n\r\nevil\r\n--" + boundary + "--\r\n";
    HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/console/drives/"
        + drive.id() + "/upload")).header("Cookie", cookie).header("Content-Type", "multipart/form-data; boundary="
        + boundary).POST(HttpRequest.BodyPublishers.ofString(forged)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(403, refused.statusCode());
    assertTrue(refused.body().contains("forged_form"), refused.body());
    assertEquals(2, drive.files().size(), "nothing stored: " + drive.files());
    ada.sdk().close();
  }

  @Test
  void groupsAreCreatedAndTheirOwnerAddsAndRemovesMembers() throws Exception {
    Person ada = person(server, "grp");
    Person bob = person(server, "member");
    ChromeDriver browser = browser();
    logIn(browser, server.url(), ada, nextCode());
    clickAndLoad(browser, By.linkText("Groups"));
    browser.findElement(By.id("group-name")).sendKeys("lab");
    clickAndLoad(browser, By.id("create-group"));
    Group lab = Group.list(ada.sdk()).stream().filter(g -> g.name().equals("lab")).findFirst().orElseThrow();
    assertEquals(List.of(ada.name()), lab.members());

    browser.findElement(By.id("add-" + lab.id())).sendKeys(bob.name());
    clickAndLoad(browser, By.cssSelector("button[aria-label='Add to lab']"));
    assertEquals(java.util.Set.of(ada.name(), bob.name()), java.util.Set.copyOf(lab.refresh().members()));
    assertTrue(browser.findElement(By.cssSelector("section.group")).getText().contains(bob.name()));
    assertTrue(Group.list(bob.sdk()).stream().anyMatch(g -> g.id().equals(lab.id())), "bob is in the group");
    shot("groups");

    // A form without the session's token changes nothing.
    String cookie = Console.COOKIE + "=" + browser.manage().getCookieNamed(Console.COOKIE).getValue();
    HttpResponse<String> forged = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url()
        + "/console/groups/" + lab.id() + "/remove")).header("Cookie", cookie)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("csrf=forged&username=" + bob.name())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(403, forged.statusCode());
    assertEquals(2, lab.refresh().members().size(), "bob is still a member");

    clickAndLoad(browser, By.cssSelector("button[aria-label='Remove " + bob.name() + " from lab']"));
    assertEquals(List.of(ada.name()), lab.refresh().members());
    assertFalse(browser.findElement(By.cssSelector("section.group")).getText().contains(bob.name()));
    ada.sdk().close();
    bob.sdk().close();
  }

  @Test
  void formsWithoutTheSessionsTokenOrFromAnotherOriginAreRefused() throws Exception {
    Person ada = person(server, "csrf");
    ChromeDriver browser = browser();
    logIn(browser, server.url(), ada, nextCode());
    clickAndLoad(browser, By.linkText("main"));
    String page = browser.getCurrentUrl();
    String token = csrfOf(browser.getPageSource());
    String cookie = Console.COOKIE + "=" + browser.manage().getCookieNamed(Console.COOKIE).getValue();
    HttpClient http = HttpClient.newHttpClient();
    String limits = page + "/limits";
    Money capBefore = ada.account().status().dailyCap();

    HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(URI.create(limits)).header("Cookie", cookie)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("overdraft=0&cap=1")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(403, noToken.statusCode());
    assertTrue(noToken.body().contains("forged_form"), noToken.body());
    HttpResponse<String> otherOrigin = http.send(HttpRequest.newBuilder(URI.create(limits)).header("Cookie", cookie)
        .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", "https://evil.example")
        .POST(HttpRequest.BodyPublishers.ofString("csrf=" + token + "&overdraft=0&cap=1")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(403, otherOrigin.statusCode(), "the right token from another origin is refused too");
    assertEquals(capBefore, ada.account().status().dailyCap(), "nothing changed");

    // In the browser: a form whose token was tampered with is refused, the untouched one works.
    browser.executeScript("document.querySelector('form[action$=\"/limits\"] input[name=csrf]').value = 'forged';");
    clickAndLoad(browser, By.id("set-limits"));
    assertEquals("forged_form", browser.findElement(By.id("message")).getAttribute("data-code"));
    browser.get(page);
    browser.findElement(By.id("cap")).sendKeys("3.00");
    clickAndLoad(browser, By.id("set-limits"));
    assertTrue(browser.getCurrentUrl().equals(page) && browser.findElements(By.id("message")).isEmpty());
    assertEquals(Money.of("3.00", "GBP"), ada.account().status().dailyCap(), "the form from the page itself works");
    ada.sdk().close();
  }

  @Test
  void anIdleSessionExpiresAndItsPagesAndFormsAskForALoginAgain() throws Exception {
    try (AcquireServer shortLived = AcquireServer.builder().store(new MemoryObjectStore()).port(0)
        .services(List.of("registry", "identity", "accounting")).option("identity.bcrypt-cost", "4")
        .option("identity.poll-interval-seconds", "1").option("console.idle-seconds", "10").start()) {
      Person ada = person(shortLived, "idle");
      ChromeDriver browser = browser();
      logIn(browser, shortLived.url(), ada, nextCode());
      clickAndLoad(browser, By.linkText("main"));
      String page = browser.getCurrentUrl();
      Thread.sleep(2500);
      browser.get(page);
      assertEquals(page, browser.getCurrentUrl(), "a request within the idle time keeps the session");
      Thread.sleep(10_500);
      clickAndLoad(browser, By.id("set-limits"));
      assertEquals("signed_out", browser.findElement(By.id("message")).getAttribute("data-code"),
          "a form posted after expiry is not acted on");
      browser.get(page);
      assertTrue(browser.getCurrentUrl().endsWith("/console/login?ended=expired"), browser.getCurrentUrl());
      assertTrue(browser.findElement(By.id("ended")).getText().contains("expired"));
      shot("expired");
      ada.sdk().close();
    }
  }
}

package io.acquire.services.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium driven by its chromedriver, both named explicitly so that Selenium
 * never tries to download a browser or driver.
 */
public final class HeadlessChromium {
  private HeadlessChromium() {}

  public static ChromeDriver start() {
    return start(new String[0]);
  }

  /** With extra command-line switches, such as one naming a self-signed certificate to accept. */
  public static ChromeDriver start(String... extraArguments) {
    Path browser = Tools.require("/usr/bin/chromium", "chromium");
    Path driver = Tools.require("/usr/bin/chromedriver", "chromium-driver");
    Path profile;
    try {
      profile = Files.createTempDirectory("acquire-chromium");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-quic", "--window-size=600,1000", "--user-data-dir=" + profile);
    options.addArguments(extraArguments);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(driver.toString())).usingAnyFreePort().build();
    ChromeDriver chrome = new ChromeDriver(service, options);
    chrome.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return chrome;
  }
}

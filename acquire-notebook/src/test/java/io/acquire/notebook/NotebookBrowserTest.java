package io.acquire.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The kernel in the classic Notebook (Debian's 6.4) in headless Chromium, as a person uses
 * it: a new cell is highlighted as Java, Shift-Tab shows an SDK method's Javadoc, Tab completes, a
 * runtime error names the line of the cell it happened on, and a molecular system's 3D view
 * renders (WebGL works in headless Chromium with --disable-gpu: it falls back to SwiftShader).
 */
class NotebookBrowserTest {
  @TempDir
  Path jupyterData;
  @TempDir
  Path notebooks;

  private Process server;
  private ChromeDriver chrome;

  @AfterEach
  void stop() throws InterruptedException {
    if (chrome != null) {
      chrome.quit();
    }
    if (server != null) {
      server.destroy();
      server.waitFor();
    }
  }

  @Test
  void aNewCellIsHighlightedShiftTabShowsJavadocAndAnErrorNamesItsCellLine() throws Exception {
    Jupyter.requirePython("notebook", "jupyter-notebook");
    Jupyter.installKernel(jupyterData);
    Files.writeString(notebooks.resolve("browser.ipynb"), "{\"cells\": [], \"metadata\": {\"kernelspec\": "
        + "{\"name\": \"acquire-java\", \"display_name\": \"Java (Acquire)\", \"language\": \"java\"}}, "
        + "\"nbformat\": 4, \"nbformat_minor\": 5}");
    String token = UUID.randomUUID().toString();
    int port = freePort();
    ProcessBuilder builder = new ProcessBuilder("jupyter", "notebook", "--no-browser", "--ip=127.0.0.1",
        "--port=" + port, "--NotebookApp.token=" + token, "--notebook-dir=" + notebooks, "--allow-root")
        .redirectErrorStream(true).redirectOutput(notebooks.resolve("server.log").toFile());
    builder.environment().put("JUPYTER_DATA_DIR", jupyterData.toString());
    builder.environment().put("JUPYTER_PATH", jupyterData.toString());
    server = builder.start();
    String base = "http://127.0.0.1:" + port;
    awaitServer(base + "/api/status?token=" + token);

    chrome = chrome();
    chrome.get(base + "/notebooks/browser.ipynb?token=" + token);
    JavascriptExecutor js = chrome;
    WebDriverWait wait = new WebDriverWait(chrome, Duration.ofSeconds(120));
    wait.until(d -> Boolean.TRUE.equals(js.executeScript("return !!(window.Jupyter && Jupyter.notebook"
        + " && Jupyter.notebook.kernel && Jupyter.notebook.kernel.info_reply"
        + " && Jupyter.notebook.kernel.info_reply.language_info);")));

    // A new cell, made after the kernel said which CodeMirror mode it wants.
    js.executeScript("var c = Jupyter.notebook.insert_cell_at_bottom('code');"
        + "c.set_text('int answer = 6 * 7;\\nString word = \"x\";'); Jupyter.notebook.select(Jupyter.notebook.find_cell_index(c));");
    wait.until(d -> !chrome.findElements(By.cssSelector(".code_cell:last-child .CodeMirror .cm-keyword")).isEmpty()
        || !chrome.findElements(By.cssSelector(".code_cell:last-child .CodeMirror .cm-type")).isEmpty());
    assertEquals("text/x-java", js.executeScript(
        "return Jupyter.notebook.kernel.info_reply.language_info.codemirror_mode;"));

    // Shift-Tab after a method name of the SDK.
    js.executeScript("var c = Jupyter.notebook.get_cells().slice(-1)[0];"
        + "c.set_text('io.acquire.client.User user = null;\\nuser.requestLogin'); c.execute();");
    awaitIdle(wait, js);
    js.executeScript("var c = Jupyter.notebook.get_cells().slice(-1)[0]; c.focus_editor();"
        + " c.code_mirror.setCursor({line: 1, ch: 17});");
    new Actions(chrome).keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT).perform();
    WebElement tooltip = wait.until(d -> {
      List<WebElement> shown = chrome.findElements(By.id("tooltip"));
      return shown.isEmpty() || !shown.get(0).getText().contains("requestLogin") ? null : shown.get(0);
    });
    assertTrue(tooltip.getText().contains("Starts a login with a fresh session key"), tooltip.getText());

    // Tab completes a member of a variable from an earlier cell: inserted at once when it is the
    // only candidate, else offered in the completer's list.
    js.executeScript("var c = Jupyter.notebook.insert_cell_at_bottom('code'); c.set_text('user.requestLo');"
        + " Jupyter.notebook.select(Jupyter.notebook.find_cell_index(c)); c.focus_editor();"
        + " c.code_mirror.setCursor({line: 0, ch: 14});");
    new Actions(chrome).sendKeys(Keys.TAB).perform();
    wait.until(d -> String.valueOf(js.executeScript("return Jupyter.notebook.get_cells().slice(-1)[0].get_text();"))
        .contains("requestLogin") || chrome.findElements(By.cssSelector("#complete option")).stream()
        .anyMatch(o -> o.getText().startsWith("requestLogin")));

    // A runtime error in a method that is not its cell's first snippet.
    js.executeScript("var c = Jupyter.notebook.insert_cell_at_bottom('code');"
        + "c.set_text('int a = 1;\\nint divide(int x) {\\n  int zero = 0;\\n  return x / zero;\\n}\\ndivide(a)');"
        + " c.execute();");
    awaitIdle(wait, js);
    String error = wait.until(d -> {
      List<WebElement> outputs = chrome.findElements(By.cssSelector(".code_cell:last-child .output_error"));
      return outputs.isEmpty() ? null : outputs.get(0).getText();
    });
    assertTrue(error.contains("at divide (line 4)") && error.contains("at the cell (line 6)"), error);

    // The 3D view: the kernel inlines 3Dmol.js, which draws a WebGL canvas in place of the still picture.
    js.executeScript("var c = Jupyter.notebook.insert_cell_at_bottom('code'); c.set_text(arguments[0]); c.execute();",
        "MolecularSystem.readXyz(\"4\\nLattice=\\\"8 0 0 0 8 0 0 0 8\\\"\\nAr 2 2 2\\nAr 6 6 2\\nAr 6 2 6\\n"
            + "Ar 2 6 6\\n\").get(0)");
    awaitIdle(wait, js);
    WebElement view = wait.until(d -> {
      List<WebElement> shown = chrome.findElements(By.cssSelector(".code_cell:last-child .acquire-system"));
      return shown.isEmpty() || shown.get(0).getAttribute("data-acquire-view") == null ? null : shown.get(0);
    });
    assertEquals("ready", view.getAttribute("data-acquire-view"), "3Dmol.js drew the system");
    assertEquals(1, view.findElements(By.tagName("canvas")).size(), "a WebGL canvas");
    assertTrue(view.findElements(By.tagName("img")).isEmpty(), "the still picture made way for it");
    java.awt.image.BufferedImage shot = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
        view.getScreenshotAs(org.openqa.selenium.OutputType.BYTES)));
    int argon = 0;
    for (int y = 0; y < shot.getHeight(); y++) {
      for (int x = 0; x < shot.getWidth(); x++) {
        int rgb = shot.getRGB(x, y);
        int r = rgb >> 16 & 0xFF;
        int g = rgb >> 8 & 0xFF;
        int b = rgb & 0xFF;
        if (b > r + 20 && g > r) {
          argon++;
        }
      }
    }
    assertTrue(argon > shot.getWidth() * shot.getHeight() / 100, "the canvas shows argon's cyan atoms, not a blank: "
        + argon + " of " + shot.getWidth() * shot.getHeight() + " pixels");
  }

  private static void awaitIdle(WebDriverWait wait, JavascriptExecutor js) {
    wait.until(d -> Boolean.FALSE.equals(js.executeScript("return Jupyter.notebook.kernel_busy;")));
  }

  private static void awaitServer(String status) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < 240; i++) {
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(status)).build(), HttpResponse.BodyHandlers.discarding())
            .statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(250);
    }
    throw new AssertionError("jupyter notebook did not answer at " + status);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Debian's Chromium and chromedriver, named so Selenium never downloads either. */
  private static ChromeDriver chrome() throws IOException {
    for (String tool : List.of("/usr/bin/chromium", "/usr/bin/chromedriver")) {
      assertTrue(Files.isExecutable(Path.of(tool)), tool + " is missing: run scripts/test.sh (chromium, chromium-driver)");
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    List<String> arguments = new ArrayList<>(List.of("--headless=new", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run",
        "--window-size=1200,1000", "--user-data-dir=" + Files.createTempDirectory("acquire-chromium")));
    options.addArguments(arguments);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }
}

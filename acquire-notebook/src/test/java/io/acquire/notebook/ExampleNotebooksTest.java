package io.acquire.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.MemoryObjectStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executes the example notebooks with Jupyter's own client (nbconvert) against a backend
 * started for the test, fails on any cell error, and checks what a reader would see.
 */
class ExampleNotebooksTest {
  private static final Path NOTEBOOKS = Path.of("..", "examples", "notebooks");
  private static final Path EXECUTED = Path.of("target", "executed-notebooks");
  private static AcquireServer backend;

  @TempDir
  static Path jupyterData;

  @BeforeAll
  static void start() throws IOException {
    Jupyter.requirePython("nbconvert", "jupyter-nbconvert");
    Jupyter.installKernel(jupyterData);
    backend = AcquireServer.builder().store(new MemoryObjectStore()).port(0)
        .option("identity.bcrypt-cost", "4").option("identity.poll-interval-seconds", "1").start();
    Files.createDirectories(EXECUTED);
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  private static JsonNode execute(String name) throws IOException {
    Jupyter.Result result = Jupyter.run(List.of("jupyter", "nbconvert", "--to", "notebook", "--execute",
            "--ExecutePreprocessor.kernel_name=acquire-java", "--ExecutePreprocessor.timeout=300",
            "--output-dir", EXECUTED.toAbsolutePath().toString(), NOTEBOOKS.resolve(name).toString()),
        Map.of("JUPYTER_DATA_DIR", jupyterData.toString(), "JUPYTER_PATH", jupyterData.toString(),
            "ACQUIRE_URL", backend.url()), Path.of("."), 600);
    assertEquals(0, result.exitCode(), "nbconvert failed on " + name + ":\n" + result.output());
    return new ObjectMapper().readTree(EXECUTED.resolve(name).toFile());
  }

  @Test
  void everyExampleNotebookRunsWithoutErrors() throws IOException {
    try (Stream<Path> notebooks = Files.list(NOTEBOOKS)) {
      List<Path> all = notebooks.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
      assertFalse(all.isEmpty());
      for (Path notebook : all) {
        JsonNode executed = execute(notebook.getFileName().toString());
        for (JsonNode cell : executed.get("cells")) {
          for (JsonNode output : cell.path("outputs")) {
            assertFalse(output.path("output_type").asText().equals("error"),
                notebook + " has an error output: " + output);
          }
        }
      }
    }
  }

  @Test
  void loginNotebookShowsAScannableQrCodeAndEndsLoggedInThenOut() throws Exception {
    JsonNode notebook = execute("login.ipynb");
    JsonNode loginCell = cellContaining(notebook, "user.requestLogin()");
    String png = loginCell.get("outputs").get(0).get("data").get("image/png").asText();
    Path image = Files.write(Files.createTempFile("login-qr", ".png"), Base64.getMimeDecoder().decode(png));
    Jupyter.Result decoded = Jupyter.run(List.of("/usr/bin/zbarimg", "--quiet", "--raw", image.toString()),
        Map.of(), Path.of("."), 60);
    assertEquals(0, decoded.exitCode(), "zbarimg (Debian's zbar-tools) must decode the QR code: " + decoded.output());
    String url = decoded.output().lines().filter(l -> l.startsWith("http")).findFirst().orElseThrow();
    assertTrue(url.startsWith(backend.url() + "/t/identity/login?code="), url);

    HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode(), "the QR code points at a page the identity service serves");
    assertTrue(page.body().contains(url.substring(url.indexOf("code=") + 5)), "the page shows the same code");

    assertEquals("true", text(cellContaining(notebook, "user.waitForLogin")), "logged in after approval");
    assertTrue(text(cellContaining(notebook, "user.whoAmI()")).contains("scope=user"));
    assertEquals("false", text(cellContaining(notebook, "user.logout()")), "logged out at the end");
  }

  private static JsonNode cellContaining(JsonNode notebook, String source) {
    List<JsonNode> matches = new ArrayList<>();
    for (JsonNode cell : notebook.get("cells")) {
      String text = cell.get("source").isArray() ? String.join("", toList(cell.get("source"))) : cell.get("source").asText();
      if (cell.get("cell_type").asText().equals("code") && text.contains(source)) {
        matches.add(cell);
      }
    }
    assertEquals(1, matches.size(), "exactly one cell should contain " + source);
    return matches.get(0);
  }

  private static List<String> toList(JsonNode array) {
    List<String> lines = new ArrayList<>();
    array.forEach(line -> lines.add(line.asText()));
    return lines;
  }

  private static String text(JsonNode cell) {
    for (JsonNode output : cell.get("outputs")) {
      if (output.get("output_type").asText().equals("execute_result")) {
        JsonNode plain = output.get("data").get("text/plain");
        return plain.isArray() ? String.join("", toList(plain)) : plain.asText();
      }
    }
    throw new AssertionError("no result in cell " + cell);
  }
}

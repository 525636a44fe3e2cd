package io.acquire.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.store.S3ObjectStore;
import io.acquire.services.testing.S3Proxy;
import io.acquire.services.testing.SlurmCluster;
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
        .option("identity.bcrypt-cost", "4").option("identity.poll-interval-seconds", "1")
        // Storage priced, so the notebooks pay for it and sharing.ipynb shows a real refund.
        .option("storage.price-per-gib-year", "1.00").start();
    Files.createDirectories(EXECUTED);
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  /** Each notebook runs once per test run; the tests read the same executed copy. */
  private static final Map<String, JsonNode> executed = new java.util.concurrent.ConcurrentHashMap<>();

  private static synchronized JsonNode execute(String name) throws IOException {
    return execute(name, name, Map.of());
  }

  /** Runs notebook {@code name} with extra environment variables, saving the executed copy as {@code output}. */
  private static synchronized JsonNode execute(String name, String output, Map<String, String> environment)
      throws IOException {
    JsonNode done = executed.get(output);
    if (done == null) {
      done = run(name, output, environment);
      executed.put(output, done);
    }
    return done;
  }

  private static JsonNode run(String name, String output, Map<String, String> environment) throws IOException {
    Map<String, String> env = new java.util.HashMap<>(Map.of("JUPYTER_DATA_DIR", jupyterData.toString(),
        "JUPYTER_PATH", jupyterData.toString(), "ACQUIRE_URL", backend.url()));
    env.putAll(environment);
    Jupyter.Result result = Jupyter.run(List.of("jupyter", "nbconvert", "--to", "notebook", "--execute",
            "--ExecutePreprocessor.kernel_name=acquire-java", "--ExecutePreprocessor.timeout=300",
            "--output-dir", EXECUTED.toAbsolutePath().toString(), "--output", output,
            NOTEBOOKS.resolve(name).toString()), env, Path.of("."), 600);
    assertEquals(0, result.exitCode(), "nbconvert failed on " + name + ":\n" + result.output());
    return new ObjectMapper().readTree(EXECUTED.resolve(output).toFile());
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
    assertTrue(text(cellContaining(notebook, "user.whoAmI()")).contains("scope user"));
    assertEquals("false", text(cellContaining(notebook, "user.logout()")), "logged out at the end");
  }

  @Test
  void sharingNotebookSharesAFolderWithAGroupAndShowsALinkAsAScannableQrCode() throws Exception {
    JsonNode notebook = execute("sharing.ipynb");
    String shared = html(cellContaining(notebook, "Drive asBob = Drive.byId"));
    assertTrue(shared.contains("results/summary.json") && !shared.contains("notes/plan.txt"),
        "Bob sees the shared folder only: " + shared);
    assertTrue(text(cellContaining(notebook, "asBob.write(")).contains("403"), "Bob may not change it");
    String access = html(cellContaining(notebook, "data.access()"));
    assertTrue(access.startsWith("<table class=\"acquire-access\">") && access.contains("owns the drive")
        && access.contains("member of group ada-") && access.contains("results/"), access);

    JsonNode linkCell = cellContaining(notebook, "data.link(");
    String png = linkCell.get("outputs").get(0).get("data").get("image/png").asText();
    Path image = Files.write(Files.createTempFile("link-qr", ".png"), Base64.getMimeDecoder().decode(png));
    Jupyter.Result decoded = Jupyter.run(List.of("/usr/bin/zbarimg", "--quiet", "--raw", image.toString()),
        Map.of(), Path.of("."), 60);
    assertEquals(0, decoded.exitCode(), "zbarimg (Debian's zbar-tools) must decode the QR code: " + decoded.output());
    String url = decoded.output().lines().filter(l -> l.startsWith("http")).findFirst().orElseThrow();
    assertTrue(url.startsWith(backend.url() + "/t/storage/l/lnk_") && url.endsWith("/summary.json"), url);
    assertTrue(html(linkCell).contains(url), "the URL is shown beside its QR code");
    assertTrue(text(cellContaining(notebook, "BodyHandlers.ofString()).body()")).contains("120.4"),
        "the link downloaded the file with no account");
    assertTrue(text(cellContaining(notebook, "link.revoke()")).contains("404 {"), "refused once revoked");
    HttpResponse<String> after = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(404, after.statusCode(), "the scanned URL is the revoked link");

    // 64 MiB at 1.00 a GiB-year is 0.0625, paid as 0.07; deleted at once, 0.06 comes back (rounded down).
    String refund = text(cellContaining(notebook, "runs.delete("));
    assertTrue(refund.contains("refunded=0.06 GBP"), "refunded, rounded down: " + refund);
    String statement = cellContaining(notebook, "funds.statement()").get("outputs").toString();
    assertTrue(statement.contains("-0.07 GBP") && statement.contains("storage refund")
        && statement.contains("run-1/trajectory.bin"),
        "the statement says what the refund was for: " + statement);
    String publication = html(cellContaining(notebook, "data.publishFolder("));
    assertTrue(publication.contains("10.5072/") && publication.contains("Liquid argon equilibrated at 120 K"),
        publication);
    assertTrue(text(cellContaining(notebook, "Publication.CitationFormat.BIBTEX")).contains("title"));
    assertTrue(text(cellContaining(notebook, "publication.landingPage()")).matches("(?s).*200 text/html.*3 lines.*"),
        "the landing page and a file are public");
    assertTrue(text(cellContaining(notebook, "data.delete(\"results/energies.csv\")")).contains("withdraw"),
        "a published file is kept until the publication is withdrawn");
  }

  @Test
  void simulationNotebookPlotsTheRampLiveAndCostsNoMoreThanItsQuote() throws Exception {
    checkSimulation(execute("simulation.ipynb"), 0.05);
  }

  @Test
  void simulationNotebookShowsTheSystemIn3dUpdatedToTheLastFrame() throws Exception {
    JsonNode notebook = execute("simulation.ipynb");
    // Beside the live plot, in its cell: Jupyter's client keeps updates only while their cell runs.
    JsonNode cell = cellContaining(notebook, "MolecularView.live(job)");
    List<JsonNode> views = new ArrayList<>();
    cell.get("outputs").forEach(o -> {
      if (o.path("data").has("text/html")) {
        views.add(o);
      }
    });
    assertEquals(1, views.size(), "one view, replaced in place: " + cell.get("outputs"));
    assertTrue(views.get(0).path("data").has("image/png"), "a still picture for nbconvert and untrusted notebooks");
    String html = html(cell);
    assertTrue(html.contains("alt=\"864 atoms, frame 200, 20.00 ps, box 34.7 × 34.7 × 34.7 Å\""),
        "the last of 201 frames: " + html.substring(0, Math.min(300, html.length())));
    assertTrue(html.contains("src=\"data:image/png;base64,") && html.contains("createViewer"));
    assertTrue(html.contains("(function (define, exports, module) {") && html.length() > 500_000,
        "the view that brought 3Dmol.js first brings it again in its last update: " + html.length());
  }

  /** The same notebook, unchanged but for one environment variable, runs GROMACS and plots it live the same way. */
  @Test
  void simulationNotebookPlotsAGromacsRunLiveTheSameWay() throws Exception {
    requireGromacs();
    JsonNode notebook = execute("simulation.ipynb", "simulation-gromacs.ipynb",
        Map.of("ACQUIRE_WORKLOAD", "gromacs-equilibrate"));
    // GROMACS's first temperature is the leap-frog average around step 0: 60.05 K for a start at 60 K.
    checkSimulation(notebook, 0.5);
    assertTrue(html(cellContaining(notebook, "job.outputs()")).contains("md.edr"), "GROMACS's own files are kept");
  }

  /**
   * The same notebook against a backend whose state is all in an S3 bucket (S3Proxy) and whose
   * jobs run on a Slurm cluster (scripts/slurm-cluster.sh), running GROMACS: the quote picks a
   * partition, the job runs as a Slurm batch job, and the live plot and the books look the same.
   */
  @Test
  void simulationNotebookRunsGromacsOnSlurmAgainstABackendOnS3() throws Exception {
    requireGromacs();
    SlurmCluster slurm = SlurmCluster.get(); // skipped, saying why, without Slurm (a failure under CI=true)
    Path work = Files.createDirectories(jupyterData.resolve("slurm-s3"));
    try (S3Proxy s3 = S3Proxy.start(work); S3ObjectStore store = s3.storeBuilder("acquire", "notebook").build()) {
      AcquireServer.Builder builder = AcquireServer.builder().store(store).port(0)
          .option("identity.bcrypt-cost", "4").option("identity.poll-interval-seconds", "1")
          .option("compute.work-directory", work.resolve("jobs").toString())
          .option("storage.price-per-gib-year", "1.00");
      slurm.computeOptions().forEach(builder::option);
      try (AcquireServer onSlurm = builder.start()) {
        JsonNode notebook = execute("simulation.ipynb", "simulation-gromacs-slurm-s3.ipynb",
            Map.of("ACQUIRE_WORKLOAD", "gromacs-equilibrate", "ACQUIRE_URL", onSlurm.url()));
        checkSimulation(notebook, 0.5);
        assertTrue(html(cellContaining(notebook, "job.outputs()")).contains("md.edr"), "GROMACS's own files are kept");
        String quote = html(cellContaining(notebook, "Job.quote(user, spec)"));
        assertTrue(quote.contains("standard"), "the quote names the Slurm partition it chose: " + quote);

        // The job's record, in the bucket, names the Slurm job that ran it, which Slurm saw complete.
        List<String> jobs = store.list("compute/jobs/");
        assertEquals(1, jobs.size(), jobs.toString());
        JsonNode record = new ObjectMapper().readTree(store.get(jobs.get(0)).orElseThrow().data());
        String batchJob = record.path("batchJob").asText("");
        assertFalse(batchJob.isEmpty(), "the job went to Slurm: " + record);
        assertEquals("gromacs-equilibrate", record.path("request").path("workload").asText(), record.toString());
        String completions = Files.readString(slurm.completionLog());
        assertTrue(completions.lines().anyMatch(l -> l.contains("JobId=" + batchJob + " ")
            && l.contains("JobState=COMPLETED")), "Slurm logged job " + batchJob + " as completed");
      }
    }
  }

  /** GROMACS must really run here; skipped with the reason otherwise, except under CI=true. */
  private static void requireGromacs() {
    java.util.Optional<String> unavailable = io.acquire.services.compute.gromacs.Gmx.unavailable();
    if (unavailable.isPresent() && "true".equals(System.getenv("CI"))) {
      org.junit.jupiter.api.Assertions.fail("CI must run the GROMACS notebook, but " + unavailable.get());
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(unavailable.isEmpty(), () -> "skipped: " + unavailable.get());
  }

  private static void checkSimulation(JsonNode notebook, double startTolerance) {
    JsonNode plot = cellContaining(notebook, "live(job,");
    List<JsonNode> pictures = new ArrayList<>();
    plot.get("outputs").forEach(o -> {
      if (o.path("data").has("image/png") && !o.path("data").has("text/html")) {
        pictures.add(o); // the 3D view beside it has a picture too, inside its HTML
      }
    });
    assertEquals(1, pictures.size(), "one plot output, redrawn in place: " + plot.get("outputs"));
    assertFalse(pictures.get(0).path("metadata").isMissingNode());
    assertTrue(text(plot).contains("to its end"), "the live plot ended with the job: " + text(plot));

    java.util.regex.Matcher ramp = java.util.regex.Pattern.compile(
        "(\\d+) records: ([\\d.]+) K at 0\\.0 ps, ([\\d.]+) K at 20\\.0 ps")
        .matcher(text(cellContaining(notebook, "TimeSeries temperature")));
    assertTrue(ramp.find(), "the temperature summary is printed");
    assertEquals(201, Integer.parseInt(ramp.group(1)), "20 ps reported every 0.1 ps, plus t = 0");
    assertEquals(60.0, Double.parseDouble(ramp.group(2)), startTolerance, "starts at the ramp's start");
    double end = Double.parseDouble(ramp.group(3));
    assertTrue(end > 100 && end < 140, "ends near the ramp's 120 K: " + end);

    java.util.regex.Matcher money = java.util.regex.Pattern.compile(
        "Quoted ([\\d.]+) GBP, charged ([\\d.]+) GBP; balance ([\\d.]+) GBP")
        .matcher(text(cellContaining(notebook, "String.format(\"Quoted")));
    assertTrue(money.find());
    java.math.BigDecimal quoted = new java.math.BigDecimal(money.group(1));
    java.math.BigDecimal charged = new java.math.BigDecimal(money.group(2));
    assertTrue(charged.signum() > 0 && charged.compareTo(quoted) <= 0, "cost " + charged + " within quote " + quoted);
    // The inputs drive is paid from the account too: a year of a file of a few hundred bytes,
    // at 1.00 a GiB-year, rounds up to one penny.
    assertEquals(new java.math.BigDecimal("100.00").subtract(charged).subtract(new java.math.BigDecimal("0.01")),
        new java.math.BigDecimal(money.group(3)), "the demo credit less exactly the cost and the inputs' storage");
    String journal = html(cellContaining(notebook, "account.statement()"));
    assertTrue(journal.contains("<table class=\"acquire-statement\">"), "the statement is a table: " + journal);
    assertTrue(journal.contains(">hold<") && journal.contains(">held " + quoted + " GBP<"),
        "the hold shows the amount it held: " + journal);
    assertTrue(journal.contains(">capture<") && journal.contains(">-" + charged + " GBP<"), journal);
    assertTrue(text(cellContaining(notebook, "job.refresh()")).contains("completed"));
    String outputs = html(cellContaining(notebook, "job.outputs()"));
    assertTrue(outputs.contains("records.csv") && outputs.contains("summary.json") && outputs.contains("read-only"),
        outputs);
  }

  private static String html(JsonNode cell) {
    for (JsonNode output : cell.get("outputs")) {
      JsonNode html = output.path("data").path("text/html");
      if (!html.isMissingNode()) {
        return html.isArray() ? String.join("", toList(html)) : html.asText();
      }
    }
    throw new AssertionError("no HTML output in cell " + cell);
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

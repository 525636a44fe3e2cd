package io.acquire.notebook;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Installs the Acquire Java kernel for the current user as the Jupyter kernelspec
 * {@code acquire-java} ("Java (Acquire)"): copies this JVM's class path into the
 * kernelspec directory and writes its {@code kernel.json}. No root needed.
 *
 * <p>{@code java -cp … io.acquire.notebook.KernelInstaller [JUPYTER_DATA_DIR]}; the data
 * directory defaults to {@code $JUPYTER_DATA_DIR} or {@code ~/.local/share/jupyter}.
 * {@code scripts/install-kernel.sh} does it all.
 */
public final class KernelInstaller {
  public static final String NAME = "acquire-java";

  /** JVM options for a fast start: kernels are started often and mostly wait on people. */
  static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
      "-Djava.awt.headless=true");

  private KernelInstaller() {}

  /**
   * Writes the kernelspec into {@code dataDirectory}/kernels/acquire-java.
   *
   * @param copyClassPath copy the jars next to kernel.json (an install that survives
   *     rebuilds), or point at the class path where it is (for tests)
   * @return the kernelspec directory
   */
  public static Path install(Path dataDirectory, String classPath, boolean copyClassPath) throws IOException {
    Path kernel = dataDirectory.resolve("kernels").resolve(NAME);
    Files.createDirectories(kernel);
    String effectiveClassPath = classPath;
    if (copyClassPath) {
      Path lib = kernel.resolve("lib");
      if (Files.isDirectory(lib)) {
        try (var old = Files.list(lib)) {
          for (Path file : (Iterable<Path>) old::iterator) {
            Files.delete(file);
          }
        }
      }
      Files.createDirectories(lib);
      List<String> copied = new ArrayList<>();
      for (String entry : classPath.split(File.pathSeparator)) {
        Path source = Path.of(entry);
        if (Files.isRegularFile(source)) {
          Path target = lib.resolve(source.getFileName());
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
          copied.add(target.toString());
        } else if (Files.isDirectory(source)) {
          throw new IOException("Cannot install from a class directory (" + entry + "); package the jars first.");
        }
      }
      effectiveClassPath = String.join(File.pathSeparator, copied);
    }
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.addAll(JVM_OPTIONS);
    argv.addAll(List.of("-cp", effectiveClassPath, AcquireKernel.class.getName(), "{connection_file}"));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("argv", argv);
    spec.put("display_name", "Java (Acquire)");
    spec.put("language", "java");
    spec.put("interrupt_mode", "message");
    spec.put("metadata", Map.of("debugger", false));
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(kernel.resolve("kernel.json").toFile(), spec);
    return kernel;
  }

  static Path defaultDataDirectory() {
    String configured = System.getenv("JUPYTER_DATA_DIR");
    return configured != null && !configured.isBlank()
        ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".local", "share", "jupyter");
  }

  /** The class-data archive beside kernel.json. */
  static final String ARCHIVE = NAME + ".jsa";

  /**
   * Builds an application class-data-sharing archive for the installed kernel (a training run
   * that loads what a kernel loads up to its first cells, archived when it exits) and makes
   * kernel.json use it, so a kernel maps those classes instead of loading and verifying each
   * one. Without an archive the kernel still runs, just slower to start.
   *
   * @return whether the kernel now uses the archive (false, with the reason on stderr, if not)
   */
  @SuppressWarnings("unchecked")
  static boolean addClassDataArchive(Path kernel) throws IOException, InterruptedException {
    ObjectMapper json = new ObjectMapper();
    Map<String, Object> spec = json.readValue(kernel.resolve("kernel.json").toFile(), LinkedHashMap.class);
    List<String> argv = new ArrayList<>((List<String>) spec.get("argv"));
    argv.removeIf(option -> option.startsWith("-XX:SharedArchiveFile="));
    Path archive = kernel.resolve(ARCHIVE);
    Files.deleteIfExists(archive);
    int main = argv.indexOf(AcquireKernel.class.getName());
    List<String> training = new ArrayList<>(argv.subList(0, main));
    training.add(1, "-XX:ArchiveClassesAtExit=" + archive);
    training.addAll(List.of(AcquireKernel.class.getName(), AcquireKernel.TRAIN));
    Path log = kernel.resolve("archive.log");
    Process process = new ProcessBuilder(training).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)) {
      process.destroyForcibly();
      System.err.println("The class-data archive's training run took over 5 minutes; the kernel runs without one.");
      return false;
    }
    if (process.exitValue() != 0 || !Files.isRegularFile(archive)) {
      System.err.println("Could not build the class-data archive (exit " + process.exitValue() + ", see " + log
          + "); the kernel runs without one.");
      return false;
    }
    argv.add(1, "-XX:SharedArchiveFile=" + archive);
    spec.put("argv", argv);
    json.writerWithDefaultPrettyPrinter().writeValue(kernel.resolve("kernel.json").toFile(), spec);
    return true;
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    Path dataDirectory = args.length > 0 ? Path.of(args[0]) : defaultDataDirectory();
    Path kernel = install(dataDirectory, System.getProperty("java.class.path"), true);
    boolean archived = addClassDataArchive(kernel);
    System.out.println("Installed the Jupyter kernel '" + NAME + "' (Java (Acquire)) in " + kernel
        + (archived ? ", with a class-data archive for a fast start" : ""));
  }
}

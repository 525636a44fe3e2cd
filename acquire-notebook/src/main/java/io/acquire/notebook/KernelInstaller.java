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

  public static void main(String[] args) throws IOException {
    Path dataDirectory = args.length > 0 ? Path.of(args[0]) : defaultDataDirectory();
    Path kernel = install(dataDirectory, System.getProperty("java.class.path"), true);
    System.out.println("Installed the Jupyter kernel '" + NAME + "' (Java (Acquire)) in " + kernel);
  }
}

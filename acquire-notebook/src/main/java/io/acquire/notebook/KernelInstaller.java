package io.acquire.notebook;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

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

  /**
   * JVM options for a fast start: kernels are started often and mostly wait on people.
   * Class sharing is on by default; naming it ({@code -Xshare:auto}) would stop JDK 25 from
   * recording an AOT cache.
   */
  static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
      "-Djava.awt.headless=true");

  /** The jar of every class on the kernel's class path that cells compile against (see {@link #writeCompileJar}). */
  static final String COMPILE_JAR = "cells-compile.jar";
  /** The system property that hands {@link #COMPILE_JAR} to the kernel. */
  static final String COMPILE_JAR_PROPERTY = "acquire.cells.compileJar";

  private KernelInstaller() {}

  /**
   * Writes the kernelspec into {@code dataDirectory}/kernels/acquire-java.
   *
   * @param copyClassPath copy the jars next to kernel.json and write their classes into
   *     {@value #COMPILE_JAR} for cells to compile against (an install that survives
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
    Path compileJar = kernel.resolve(COMPILE_JAR);
    Files.deleteIfExists(compileJar);
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.addAll(JVM_OPTIONS);
    if (copyClassPath) {
      writeCompileJar(effectiveClassPath.split(File.pathSeparator), compileJar);
      argv.add("-D" + COMPILE_JAR_PROPERTY + "=" + compileJar);
    }
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

  /**
   * Writes the class files of {@code jars} into one jar, for JShell's compiler: javac looks
   * packages up in every jar of its class path at each of the several runs a cell takes, so
   * one jar costs less than dozens (start and cells about a tenth less CPU with 27 jars).
   * A name found in several jars is taken from the first, as the JVM loads it. Only class
   * files: javac needs nothing else, and each jar's META-INF (services, signatures, native
   * libraries, versioned classes) stays with the JVM's class path, which does not change.
   */
  static void writeCompileJar(String[] jars, Path target) throws IOException {
    Set<String> written = new HashSet<>();
    Path partial = target.resolveSibling(target.getFileName() + ".partial");
    try (ZipOutputStream out = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(partial)))) {
      out.setLevel(Deflater.BEST_SPEED);
      for (String jar : jars) {
        try (ZipFile zip = new ZipFile(jar)) {
          for (ZipEntry entry : Collections.list(zip.entries())) {
            String name = entry.getName();
            if (entry.isDirectory() || !name.endsWith(".class") || name.startsWith("META-INF/")
                || name.equals("module-info.class") || !written.add(name)) {
              continue;
            }
            out.putNextEntry(new ZipEntry(name));
            try (InputStream in = zip.getInputStream(entry)) {
              in.transferTo(out);
            }
            out.closeEntry();
          }
        }
      }
    }
    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
  }

  static Path defaultDataDirectory() {
    String configured = System.getenv("JUPYTER_DATA_DIR");
    return configured != null && !configured.isBlank()
        ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".local", "share", "jupyter");
  }

  /**
   * How a JVM keeps classes for the next start: JDK 25 and newer build an AOT cache in one
   * training run (JEP 514), which also holds the classes linked and method profiles (JEPs
   * 483, 515); older JDKs (17 on) get a dynamic class-data-sharing archive.
   */
  record ClassCache(String file, String recordOption, String useOption) {
    static final ClassCache AOT = new ClassCache(NAME + ".aot", "-XX:AOTCacheOutput=", "-XX:AOTCache=");
    static final ClassCache CDS = new ClassCache(NAME + ".jsa", "-XX:ArchiveClassesAtExit=", "-XX:SharedArchiveFile=");

    static ClassCache forFeatureRelease(int feature) {
      return feature >= 25 ? AOT : CDS;
    }
  }

  /**
   * Builds a class cache for the installed kernel (a training run that loads what a kernel
   * loads up to its first cells, cached when it exits; an AOT cache on JDK 25 and newer, a
   * class-data archive before) and makes kernel.json use it, so a kernel maps those classes
   * instead of loading and verifying each one. Without one the kernel still runs, just slower to start.
   *
   * @return whether the kernel now uses the cache (false, with the reason on stderr, if not)
   */
  @SuppressWarnings("unchecked")
  static boolean addClassDataArchive(Path kernel) throws IOException, InterruptedException {
    ClassCache cache = ClassCache.forFeatureRelease(Runtime.version().feature());
    ObjectMapper json = new ObjectMapper();
    Map<String, Object> spec = json.readValue(kernel.resolve("kernel.json").toFile(), LinkedHashMap.class);
    List<String> argv = new ArrayList<>((List<String>) spec.get("argv"));
    argv.removeIf(option -> option.startsWith(ClassCache.AOT.useOption()) || option.startsWith(ClassCache.CDS.useOption()));
    for (ClassCache any : List.of(ClassCache.AOT, ClassCache.CDS)) {
      Files.deleteIfExists(kernel.resolve(any.file()));
    }
    Path archive = kernel.resolve(cache.file());
    int main = argv.indexOf(AcquireKernel.class.getName());
    List<String> training = new ArrayList<>(argv.subList(0, main));
    training.add(1, cache.recordOption() + archive);
    training.addAll(List.of(AcquireKernel.class.getName(), AcquireKernel.TRAIN));
    Path log = kernel.resolve("archive.log");
    Process process = new ProcessBuilder(training).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)) {
      process.destroyForcibly();
      System.err.println("The class cache's training run took over 5 minutes; the kernel runs without one.");
      return false;
    }
    if (process.exitValue() != 0 || !Files.isRegularFile(archive)) {
      System.err.println("Could not build the class cache (exit " + process.exitValue() + ", see " + log
          + "); the kernel runs without one.");
      return false;
    }
    argv.add(1, cache.useOption() + archive);
    spec.put("argv", argv);
    json.writerWithDefaultPrettyPrinter().writeValue(kernel.resolve("kernel.json").toFile(), spec);
    return true;
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    Path dataDirectory = args.length > 0 ? Path.of(args[0]) : defaultDataDirectory();
    Path kernel = install(dataDirectory, System.getProperty("java.class.path"), true);
    boolean archived = addClassDataArchive(kernel);
    System.out.println("Installed the Jupyter kernel '" + NAME + "' (Java (Acquire)) in " + kernel
        + (archived ? ", with " + (ClassCache.forFeatureRelease(Runtime.version().feature()) == ClassCache.AOT
            ? "an AOT cache" : "a class-data archive") + " for a fast start" : ""));
  }
}

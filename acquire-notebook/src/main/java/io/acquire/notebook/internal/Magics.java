package io.acquire.notebook.internal;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Lines at the top of a cell that change the class path rather than run Java:
 * {@code %classpath /path/to/lib.jar} (a jar or directory, or several separated by the
 * path separator) and {@code %maven group:artifact:version} (resolved with its
 * dependencies by the {@code mvn} on the PATH, from Maven Central or your settings).
 */
public final class Magics {
  private static final Pattern COORDINATES = Pattern.compile("[\\w.-]+:[\\w.-]+(:[\\w.-]+)?:[\\w.-]+");

  private final JavaEvaluator evaluator;

  public Magics(JavaEvaluator java) {
    this.evaluator = java;
  }

  /** Runs the cell's leading magic lines and returns the Java that remains. */
  public String apply(String cell) throws CellError {
    String[] lines = cell.split("\n", -1);
    int i = 0;
    for (; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      if (!line.startsWith("%")) {
        break;
      }
      run(line);
    }
    StringBuilder rest = new StringBuilder();
    for (int j = 0; j < lines.length; j++) {
      rest.append(j < i ? "" : lines[j]).append(j < lines.length - 1 ? "\n" : "");
    }
    return rest.toString();
  }

  private void run(String line) throws CellError {
    String[] parts = line.split("\\s+", 2);
    String argument = parts.length > 1 ? parts[1].strip() : "";
    switch (parts[0]) {
      case "%classpath" -> {
        if (argument.isEmpty()) {
          throw error("%classpath needs a jar or directory, such as %classpath /opt/lib/tool.jar");
        }
        for (String path : argument.split(File.pathSeparator)) {
          try {
            evaluator.addToClasspath(Path.of(path).toAbsolutePath().toString());
          } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
          }
        }
      }
      case "%maven" -> {
        if (!COORDINATES.matcher(argument).matches()) {
          throw error("%maven needs coordinates group:artifact:version, such as %maven org.jfree:jfreechart:1.5.5");
        }
        for (String path : resolve(argument).split(File.pathSeparator)) {
          if (!path.isBlank()) {
            evaluator.addToClasspath(path);
          }
        }
      }
      default -> throw error("Unknown magic " + parts[0] + ". Known: %classpath PATH, %maven GROUP:ARTIFACT:VERSION");
    }
  }

  /** Resolves coordinates and their runtime dependencies into jar paths in the local Maven repository. */
  private static String resolve(String coordinates) throws CellError {
    String[] gav = coordinates.split(":");
    try {
      Path project = Files.createTempDirectory("acquire-maven");
      Path output = project.resolve("classpath.txt");
      Files.writeString(project.resolve("pom.xml"), "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">"
          + "<modelVersion>4.0.0</modelVersion><groupId>acquire.kernel</groupId><artifactId>resolve</artifactId>"
          + "<version>1</version><dependencies><dependency><groupId>" + gav[0] + "</groupId><artifactId>" + gav[1]
          + "</artifactId><version>" + gav[gav.length - 1] + "</version></dependency></dependencies></project>");
      Process mvn = new ProcessBuilder("mvn", "-q", "-B", "dependency:build-classpath",
          "-Dmdep.outputFile=" + output, "-Dmdep.includeScope=runtime")
          .directory(project.toFile()).redirectErrorStream(true).start();
      String log = new String(mvn.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!mvn.waitFor(10, TimeUnit.MINUTES) || mvn.exitValue() != 0 || !Files.exists(output)) {
        throw error("Could not resolve " + coordinates + " with Maven:\n" + log.strip());
      }
      return Files.readString(output).strip();
    } catch (IOException e) {
      throw error("Could not run mvn to resolve " + coordinates + ": " + e.getMessage()
          + ". Is Maven installed and on the PATH?");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw error("Interrupted while resolving " + coordinates);
    }
  }

  private static CellError error(String message) {
    return new CellError("MagicError", message, List.of("error: " + message));
  }
}

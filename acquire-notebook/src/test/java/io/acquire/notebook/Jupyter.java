package io.acquire.notebook;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Jupyter from Debian's packages, with this build's kernel installed into a private data directory. */
final class Jupyter {
  static final Path PYTHON = Path.of("/usr/bin/python3");

  private Jupyter() {}

  /** Installs the kernelspec pointing at the test class path, so no packaging step is needed. */
  static Path installKernel(Path dataDirectory) throws IOException {
    return KernelInstaller.install(dataDirectory, System.getProperty("java.class.path"), false);
  }

  static void requirePython(String module, String debianPackage) {
    if (!Files.isExecutable(PYTHON)) {
      fail("/usr/bin/python3 is missing: run scripts/test.sh, which installs Debian's Jupyter packages");
    }
    Result probe = run(List.of(PYTHON.toString(), "-c", "import " + module), Map.of(), Path.of("."), 60);
    if (probe.exitCode() != 0) {
      fail("Python module " + module + " is missing: run scripts/test.sh or apt-get install " + debianPackage);
    }
  }

  record Result(int exitCode, String output) {}

  static Result run(List<String> command, Map<String, String> environment, Path directory, int timeoutSeconds) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
      builder.environment().putAll(environment);
      Process process = builder.start();
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail(command + " did not finish in " + timeoutSeconds + " s");
      }
      return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}

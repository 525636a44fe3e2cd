package io.acquire.services.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the Debian tools the tests check against; a missing one fails with how to install it. */
public final class Tools {
  private Tools() {}

  public static Path require(String path, String debianPackage) {
    Path tool = Path.of(path);
    if (!Files.isExecutable(tool)) {
      fail(path + " is missing: run scripts/test.sh (it installs Debian's " + debianPackage
          + " package) or apt-get install " + debianPackage);
    }
    return tool;
  }

  /** Runs a command and returns its standard output (its errors go to the test log); fails on a non-zero exit. */
  public static String run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      process.getOutputStream().close();
      String output = read(process.getInputStream());
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail(command.get(0) + " did not finish in 30 s");
      }
      if (process.exitValue() != 0) {
        fail(command + " exited with " + process.exitValue() + ": " + output);
      }
      return output;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String read(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }
}

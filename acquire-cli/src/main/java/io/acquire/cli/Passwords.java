package io.acquire.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Option;

/** Where a password comes from: standard input, an environment variable, or a prompt on a terminal. */
final class Passwords {
  @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
  boolean stdin;

  @Option(names = "--password-env", paramLabel = "VAR", description = "Read the password from environment variable VAR.")
  String env;

  /** The password; {@code confirm} asks twice at a prompt (for registering). Never echoed or logged. */
  String read(String prompt, boolean confirm) {
    if (env != null) {
      String value = System.getenv(env);
      if (value == null) {
        throw new IllegalArgumentException("Environment variable " + env + " is not set; export it or use "
            + "--password-stdin.");
      }
      return value;
    }
    if (stdin) {
      try {
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null) {
          throw new IllegalArgumentException("Standard input is empty: pipe the password in with --password-stdin.");
        }
        return line;
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read the password from standard input: " + e.getMessage(), e);
      }
    }
    java.io.Console console = System.console();
    if (console == null) {
      throw new IllegalArgumentException("No terminal to ask for the password: use --password-stdin or "
          + "--password-env VAR.");
    }
    char[] first = console.readPassword("%s: ", prompt);
    if (first == null) {
      throw new IllegalArgumentException("No password given.");
    }
    if (confirm) {
      char[] again = console.readPassword("Again: ");
      if (again == null || !java.util.Arrays.equals(first, again)) {
        throw new IllegalArgumentException("The two passwords differ; nothing was sent. Try again.");
      }
    }
    return new String(first);
  }
}

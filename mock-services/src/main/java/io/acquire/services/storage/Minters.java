package io.acquire.services.storage;

import io.acquire.services.ServiceContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The minter the operator chose: {@code storage.minter=local} (the default) or {@code
 * datacite}, with DataCite's settings. The repository's password comes from the
 * environment variable {@value #PASSWORD_ENVIRONMENT} or the file {@code
 * storage.datacite-password-file} names, never from an option, so it stays out of command
 * lines and process listings.
 */
final class Minters {
  static final String PASSWORD_ENVIRONMENT = "ACQUIRE_DATACITE_PASSWORD";
  static final String DATACITE_TEST_API = "https://api.test.datacite.org";

  private Minters() {}

  static Minter fromOptions(ServiceContext context) {
    if (context.option("datacite-password", null) != null) {
      // Refused, not ignored: the operator meant it, and it already sits in a command line.
      throw new IllegalArgumentException("Option storage.datacite-password is not accepted: options show in process "
          + "listings. Give the password in the environment variable " + PASSWORD_ENVIRONMENT + " or a file named by "
          + "storage.datacite-password-file, and change it, since it was on a command line.");
    }
    String kind = context.option("minter", "local");
    switch (kind) {
      case "local" -> {
        return new LocalMinter(prefix(context.option("doi-prefix", LocalMinter.TEST_PREFIX)));
      }
      case "datacite" -> {
        String repository = context.option("datacite-repository", "");
        String prefix = context.option("doi-prefix", "");
        if (repository.isBlank() || prefix.isBlank()) {
          throw new IllegalArgumentException("With storage.minter=datacite, set storage.datacite-repository (the "
              + "repository id) and storage.doi-prefix (the prefix DataCite assigned it).");
        }
        int timeout = context.intOption("datacite-timeout-seconds", 20);
        if (timeout < 1) {
          throw new IllegalArgumentException("Option storage.datacite-timeout-seconds must be at least 1");
        }
        return new DataCiteMinter(context.option("datacite-url", DATACITE_TEST_API), repository,
            password(context.option("datacite-password-file", null)), prefix(prefix), Duration.ofSeconds(timeout));
      }
      default -> throw new IllegalArgumentException("Option storage.minter must be 'local' or 'datacite', not '"
          + kind + "'");
    }
  }

  private static String prefix(String prefix) {
    if (!prefix.matches("10\\.[0-9]{4,9}")) {
      throw new IllegalArgumentException("Option storage.doi-prefix must be a DOI prefix such as 10.5072, not '"
          + prefix + "'");
    }
    return prefix;
  }

  private static String password(String file) {
    if (file != null) {
      try {
        String password = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
        if (!password.isEmpty()) {
          return password;
        }
      } catch (IOException e) {
        throw new IllegalArgumentException("Cannot read the DataCite password from storage.datacite-password-file "
            + file + ": " + e.getClass().getSimpleName(), e);
      }
      throw new IllegalArgumentException("The file storage.datacite-password-file names (" + file + ") is empty.");
    }
    String password = System.getenv(PASSWORD_ENVIRONMENT);
    if (password == null || password.isBlank()) {
      throw new IllegalArgumentException("With storage.minter=datacite, give the repository's password in the "
          + "environment variable " + PASSWORD_ENVIRONMENT + " or a file named by storage.datacite-password-file.");
    }
    return password;
  }
}

package io.acquire.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The command line's settings, by profile, in {@code config.properties} of its directory:
 * {@code $ACQUIRE_CONFIG_DIR}, else {@code $XDG_CONFIG_HOME/acquire}, else
 * {@code ~/.config/acquire}. The wallet of saved sessions lives beside it, in {@code wallet/}.
 */
final class Config {
  /** The keys a profile holds. */
  static final java.util.List<String> KEYS = java.util.List.of("url", "user", "account", "drive");

  private final Path directory;
  private final Properties properties = new Properties();

  private Config(Path directory) {
    this.directory = directory;
    Path file = file();
    if (Files.isRegularFile(file)) {
      try (InputStream in = Files.newInputStream(file)) {
        properties.load(in);
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException("Cannot read the settings in " + file + " (" + e.getMessage()
            + "); fix or delete the file.");
      }
    }
  }

  static Config load(Map<String, String> env) {
    return new Config(directory(env));
  }

  static Path directory(Map<String, String> env) {
    String own = env.get("ACQUIRE_CONFIG_DIR");
    if (own != null && !own.isBlank()) {
      return Path.of(own);
    }
    String xdg = env.get("XDG_CONFIG_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "acquire");
    }
    return Path.of(System.getProperty("user.home"), ".config", "acquire");
  }

  Path directory() {
    return directory;
  }

  Path file() {
    return directory.resolve("config.properties");
  }

  Path walletDirectory() {
    return directory.resolve("wallet");
  }

  String get(String profile, String key) {
    String value = properties.getProperty(profile + "." + key);
    return value == null || value.isBlank() ? null : value;
  }

  void set(String profile, String key, String value) {
    if (!KEYS.contains(key)) {
      throw new IllegalArgumentException("Unknown setting '" + key + "'; the settings are " + String.join(", ", KEYS)
          + ".");
    }
    if (value == null) {
      properties.remove(profile + "." + key);
    } else {
      properties.setProperty(profile + "." + key, value);
    }
  }

  /** Every profile named in the file, sorted. */
  java.util.SortedSet<String> profiles() {
    TreeSet<String> names = new TreeSet<>();
    for (String key : properties.stringPropertyNames()) {
      int dot = key.lastIndexOf('.');
      if (dot > 0) {
        names.add(key.substring(0, dot));
      }
    }
    return names;
  }

  /**
   * Creates the directory, if missing, for its owner only (mode 700): the wallet inside it
   * holds session keys. An existing directory is left as its owner set it.
   */
  void ensureDirectory() {
    if (Files.isDirectory(directory)) {
      return;
    }
    try {
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectories(directory);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the settings directory " + directory + ": " + e.getMessage(), e);
    }
  }

  /** Writes the file atomically, readable by its owner only (it names who you are and where). */
  void save() {
    ensureDirectory();
    try {
      Path temp = directory.resolve(".config-" + UUID.randomUUID() + ".tmp");
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(temp);
      }
      try {
        try (OutputStream out = Files.newOutputStream(temp)) {
          properties.store(out, "acquire command line settings, by profile: <profile>.<key>=<value>");
        }
        Files.move(temp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot save the settings in " + file() + ": " + e.getMessage(), e);
    }
  }
}

package io.acquire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/** Runs the built {@code bin/acquire} as a process, as a person or a script would. */
final class AcquireBinary {
  static final Path BINARY = Path.of("target", "acquire", "bin", "acquire").toAbsolutePath();

  private final Path configDirectory;
  private final Map<String, String> env = new HashMap<>();

  AcquireBinary(Path configDirectory) {
    this.configDirectory = configDirectory;
  }

  AcquireBinary env(String name, String value) {
    env.put(name, value);
    return this;
  }

  record Result(int exit, String out, String err) {
    List<String> outLines() {
      return out.lines().toList();
    }

    Result expect(int code) {
      assertEquals(code, exit, () -> "exit code; stdout:\n" + out + "\nstderr:\n" + err);
      return this;
    }
  }

  ProcessBuilder builder(String... args) {
    assertTrue(Files.isExecutable(BINARY), BINARY + " is built by mvn -pl acquire-cli -am package");
    List<String> command = new ArrayList<>();
    command.add(BINARY.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("ACQUIRE_CONFIG_DIR", configDirectory.toString());
    builder.environment().remove("ACQUIRE_URL");
    builder.environment().remove("ACQUIRE_USER");
    builder.environment().remove("ACQUIRE_PROFILE");
    builder.environment().putAll(env);
    return builder;
  }

  /** Runs the command on a pseudo-terminal (util-linux's {@code script}), as a person at a terminal would. */
  Result runOnTerminal(String... args) {
    StringBuilder command = new StringBuilder("'" + BINARY + "'");
    for (String arg : args) {
      command.append(" '").append(arg.replace("'", "'\\''")).append("'");
    }
    List<String> wrapped = List.of("script", "-qec", command.toString(), "/dev/null");
    try {
      Path out = Files.createTempFile(configDirectory.getParent(), "tty", ".txt");
      ProcessBuilder builder = builder().command(wrapped).redirectOutput(out.toFile())
          .redirectError(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.PIPE);
      builder.environment().put("TERM", "xterm-256color");
      builder.environment().remove("NO_COLOR");
      Process process = builder.start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("acquire " + String.join(" ", args) + " did not finish in 120 s");
      }
      return new Result(process.exitValue(), Files.readString(out), "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  Result run(String... args) {
    return runWithInput(null, args);
  }

  Result runWithInput(String stdin, String... args) {
    try {
      Path out = Files.createTempFile(configDirectory.getParent(), "out", ".txt");
      Path err = Files.createTempFile(configDirectory.getParent(), "err", ".txt");
      ProcessBuilder builder = builder(args).redirectOutput(out.toFile()).redirectError(err.toFile());
      Process process = builder.start();
      try (var in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("acquire " + String.join(" ", args) + " did not finish in 120 s");
      }
      return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A process whose stdout is read line by line as it comes. */
  static BufferedReader lines(Process process) {
    return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** The half-block QR code in {@code lines} (the first run of them), drawn to a PNG and read by zbarimg. */
  static String decodeQr(List<String> lines, Path dir) throws IOException, InterruptedException {
    List<String> code = new ArrayList<>();
    for (String line : lines) {
      String plain = line.replaceAll("\u001b\\[[0-9;]*m", "");
      if (plain.length() >= 21 && plain.chars().allMatch(c -> c == '█' || c == '▀' || c == '▄' || c == ' ')) {
        code.add(plain);
      } else if (!code.isEmpty()) {
        break;
      }
    }
    assertTrue(code.size() >= 10, () -> "no QR code in:\n" + String.join("\n", lines));
    int scale = 6;
    int border = 4 * scale;
    int width = code.get(0).length();
    BufferedImage image = new BufferedImage(width * scale + 2 * border, code.size() * 2 * scale + 2 * border,
        BufferedImage.TYPE_BYTE_GRAY);
    var g = image.createGraphics();
    g.setColor(java.awt.Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    g.setColor(java.awt.Color.BLACK);
    // A glyph is a light module (the terminal's foreground), its background a dark one.
    for (int row = 0; row < code.size(); row++) {
      String line = code.get(row);
      for (int x = 0; x < line.length(); x++) {
        char c = line.charAt(x);
        boolean topDark = c == ' ' || c == '▄';
        boolean bottomDark = c == ' ' || c == '▀';
        if (topDark) {
          g.fillRect(border + x * scale, border + row * 2 * scale, scale, scale);
        }
        if (bottomDark) {
          g.fillRect(border + x * scale, border + (row * 2 + 1) * scale, scale, scale);
        }
      }
    }
    g.dispose();
    Path png = Files.createTempFile(dir, "qr", ".png");
    ImageIO.write(image, "PNG", png.toFile());
    Process zbar = new ProcessBuilder("zbarimg", "--quiet", "--raw", png.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start(); // its stderr has D-Bus noise on machines without it
    String text = new String(zbar.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(zbar.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, zbar.exitValue(), () -> "zbarimg could not read the QR code in:\n" + String.join("\n", code));
    return text;
  }
}

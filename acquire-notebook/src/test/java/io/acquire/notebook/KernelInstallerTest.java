package io.acquire.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.notebook.internal.CellError;
import io.acquire.notebook.internal.JavaEvaluator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelInstallerTest {
  @TempDir
  Path directory;

  @Test
  void jdk25AndNewerGetAnAotCacheAndOlderOnesAClassDataArchive() {
    assertEquals(KernelInstaller.ClassCache.CDS, KernelInstaller.ClassCache.forFeatureRelease(17));
    assertEquals(KernelInstaller.ClassCache.CDS, KernelInstaller.ClassCache.forFeatureRelease(24));
    assertEquals("-XX:AOTCache=", KernelInstaller.ClassCache.forFeatureRelease(25).useOption());
    assertEquals("acquire-java.aot", KernelInstaller.ClassCache.forFeatureRelease(26).file());
  }

  @Test
  void theCompileJarHoldsEachClassOnceAsTheJvmWouldLoadItAndNothingElse() throws IOException {
    Path first = jar("first.jar", Map.of("a/A.class", "first A", "META-INF/services/x.Y", "a.A"));
    Path second = jar("second.jar", Map.of("a/A.class", "second A", "b/B.class", "B", "module-info.class", "m",
        "b/notes.txt", "text"));
    Path compile = directory.resolve("compile.jar");
    KernelInstaller.writeCompileJar(new String[] {first.toString(), second.toString()}, compile);
    try (ZipFile zip = new ZipFile(compile.toFile())) {
      assertEquals(List.of("a/A.class", "b/B.class"), Collections.list(zip.entries()).stream().map(ZipEntry::getName).toList());
      try (InputStream in = zip.getInputStream(zip.getEntry("a/A.class"))) {
        assertArrayEquals("first A".getBytes(StandardCharsets.UTF_8), in.readAllBytes());
      }
    }
  }

  @Test
  void cellsCompileAgainstTheCompileJarAndRunOnTheJvmsClassPath() throws Exception {
    byte[] display;
    try (InputStream in = Display.class.getResourceAsStream("Display.class")) {
      display = in.readAllBytes();
    }
    Path source = directory.resolve("display.jar");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(source))) {
      out.putNextEntry(new ZipEntry("io/acquire/notebook/Display.class"));
      out.write(display);
    }
    Path compile = directory.resolve("compile.jar");
    KernelInstaller.writeCompileJar(new String[] {source.toString()}, compile);
    try (JavaEvaluator java = new JavaEvaluator(List.of("import java.util.*;"), compile)) {
      assertEquals("Display", java.eval("io.acquire.notebook.Display.class.getSimpleName()"));
      assertEquals(2, java.eval("List.of(1, 2).size()"));
      // On the JVM's class path but not in the compile jar: javac never looked elsewhere.
      CellError missing = assertThrows(CellError.class, () -> java.eval("io.acquire.client.Money.class"));
      assertTrue(String.join("\n", missing.lines()).contains("does not exist"), missing.lines().toString());
      // An addition (%jars) makes JShell compile against the JVM's class path and the addition.
      java.addToClasspath(directory.toString());
      assertEquals("Money", java.eval("io.acquire.client.Money.class.getSimpleName()"));
    }
  }

  private Path jar(String name, Map<String, String> entries) throws IOException {
    Path jar = directory.resolve(name);
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(jar))) {
      for (Map.Entry<String, String> entry : entries.entrySet()) {
        out.putNextEntry(new ZipEntry(entry.getKey()));
        out.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
      }
    }
    return jar;
  }
}

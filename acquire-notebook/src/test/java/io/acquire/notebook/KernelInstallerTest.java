package io.acquire.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KernelInstallerTest {
  @Test
  void jdk25AndNewerGetAnAotCacheAndOlderOnesAClassDataArchive() {
    assertEquals(KernelInstaller.ClassCache.CDS, KernelInstaller.ClassCache.forFeatureRelease(17));
    assertEquals(KernelInstaller.ClassCache.CDS, KernelInstaller.ClassCache.forFeatureRelease(24));
    assertEquals("-XX:AOTCache=", KernelInstaller.ClassCache.forFeatureRelease(25).useOption());
    assertEquals("acquire-java.aot", KernelInstaller.ClassCache.forFeatureRelease(26).file());
  }
}

package io.acquire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QrTerminalTest {
  @TempDir Path dir;

  @Test
  void halfBlocksDrawACodeThatZbarimgReadsBack() throws Exception {
    String url = "http://127.0.0.1:41234/t/identity/login?code=WDJB-MJHT";
    List<String> lines = QrTerminal.lines(url, false);
    assertEquals(url, AcquireBinary.decodeQr(lines, dir));
    String secret = "otpauth://totp/Acquire:ada?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Acquire";
    assertEquals(secret, AcquireBinary.decodeQr(QrTerminal.lines(secret, false), dir));
  }

  @Test
  void onATerminalTheCodeSetsWhiteOnBlackSoLightThemesShowItTheRightWayRound() throws Exception {
    List<String> lines = QrTerminal.lines("http://example.org/", true);
    assertTrue(lines.stream().allMatch(l -> l.startsWith("\u001b[97;40m") && l.endsWith("\u001b[0m")));
    assertEquals("http://example.org/", AcquireBinary.decodeQr(lines, dir));
  }
}

package io.acquire.cli;

import io.acquire.client.AcquireException;
import io.acquire.client.Money;
import io.acquire.client.wire.AccountingWire.AccountView;
import io.acquire.client.wire.Json;
import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.SessionCertificate;
import io.acquire.client.wire.SessionClaims;
import io.acquire.client.wire.SigningKey;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Run once at build time under {@code -XX:ArchiveClassesAtExit} (bin/acquire does it when
 * {@code ACQUIRE_CDS_DUMP=1}): loads the classes a typical command loads (picocli's help,
 * settings, the wallet, Ed25519 signing, JSON, an HTTP call) so the archive holds them,
 * without any backend. Touches nothing outside a temporary directory. Hidden from help.
 */
@Command(name = "cds-training", hidden = true)
final class CdsTraining implements Callable<Integer> {
  @Override
  public Integer call() throws Exception {
    PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), true, "UTF-8");
    CommandLine help = Main.commandLine(new Main(), new String[0]);
    help.usage(nowhere);
    help.getSubcommands().values().forEach(c -> c.usage(nowhere));
    Path dir = Files.createTempDirectory("acquire-cds");
    try {
      Config config = Config.load(java.util.Map.of("ACQUIRE_CONFIG_DIR", dir.toString()));
      config.set("default", "user", "training");
      config.save();
      SigningKey key = SigningKey.generate();
      Instant now = Instant.now();
      SessionCertificate certificate = SessionCertificate.issue(new SessionClaims("training", "training", "s",
          key.verifyingKey().toBase64Url(), SessionClaims.SCOPE_USER, now, now.plusSeconds(60)), SigningKey.generate());
      RequestSignature.sign(key, certificate, "GET", "/accounts", new byte[0], now.getEpochSecond());
      Money money = Money.of("1.00", "GBP");
      AccountView view = new AccountView("a", "training", "training", money, money, money, null, money, List.of(), 1);
      Json.read(Json.write(view), AccountView.class);
      new Table("A", "B").row(money, now).print(nowhere);
      QrTerminal.lines("http://127.0.0.1/t/identity/login?code=TRAIN-ING", false);
      // The user as commands build it; nothing listens on port 9 of loopback, so the call
      // fails at once (retried, as the SDK retries reads), after loading the HTTP stack.
      Main main = new Main();
      main.url = "http://127.0.0.1:9";
      main.user = "training";
      try (Cli cli = new Cli(main, java.util.Map.of("ACQUIRE_CONFIG_DIR", dir.toString()))) {
        cli.user().serviceUrl("accounting");
      } catch (AcquireException expected) {
        Main.failure(expected, nowhere);
      }
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    return ExitCodes.OK;
  }
}

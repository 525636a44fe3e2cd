package io.acquire.cli;

import io.acquire.client.AcquireException;
import io.acquire.client.Money;
import io.acquire.client.wire.AccountingWire.AccountList;
import io.acquire.client.wire.AccountingWire.AccountView;
import io.acquire.client.wire.Json;
import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.SessionCertificate;
import io.acquire.client.wire.ServiceInfo;
import io.acquire.client.wire.SessionClaims;
import io.acquire.client.wire.SigningKey;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
 * settings, the wallet, Ed25519 signing, JSON, an HTTP exchange) so the archive holds them,
 * without any backend: a registry lookup is answered by a socket on loopback that this run
 * opens. Touches nothing outside a temporary directory. Hidden from help.
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
      Json.read(Json.write(new AccountList(List.of(view))), AccountList.class);
      new Table("A", "B").row(money, now).print(nowhere);
      QrTerminal.lines("http://127.0.0.1/t/identity/login?code=TRAIN-ING", false);
      // The user as commands build it, asking the registry (this run's socket) where accounting
      // is, which the wallet keeps; then a second run reads it from there.
      String url;
      try (ServerSocket registry = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        registry.setSoTimeout(10_000);
        url = "http://127.0.0.1:" + registry.getLocalPort();
        Thread answer = new Thread(() -> answerOnce(registry, url), "cds-training-registry");
        answer.setDaemon(true);
        answer.start();
        trainingRun(dir, url, cli -> cli.user().serviceUrl("accounting"));
      }
      trainingRun(dir, url, cli -> cli.loggedIn());
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    return ExitCodes.OK;
  }

  /** One command's use of {@link Cli} at {@code url}, failures reported as a command reports them. */
  private static void trainingRun(Path dir, String url, java.util.function.Consumer<Cli> use) throws Exception {
    PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), true, "UTF-8");
    Main main = new Main();
    main.url = url;
    main.user = "training";
    try (Cli cli = new Cli(main, java.util.Map.of("ACQUIRE_CONFIG_DIR", dir.toString()))) {
      use.accept(cli);
    } catch (AcquireException expected) {
      Main.failure(expected, nowhere);
    }
  }

  /** Answers one HTTP request as the registry answers a lookup of accounting. */
  private static void answerOnce(ServerSocket registry, String url) {
    try (Socket socket = registry.accept()) {
      java.io.InputStream in = socket.getInputStream();
      byte[] buffer = new byte[8192];
      int read = 0;
      // The request has no body: it ends at the blank line after its headers.
      while (read < buffer.length && !new String(buffer, 0, read, StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
        int n = in.read(buffer, read, buffer.length - read);
        if (n < 0) {
          break;
        }
        read += n;
      }
      byte[] body = Json.write(new ServiceInfo("accounting", url + "/t/accounting", "training"));
      socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
          + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().write(body);
    } catch (java.io.IOException e) {
      // The training lookup then fails, as a lookup without a registry does: still loads most of it.
    }
  }
}

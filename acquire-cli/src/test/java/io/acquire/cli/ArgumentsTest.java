package io.acquire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.Money;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArgumentsTest {
  @ParameterizedTest
  @CsvSource({"30,PT30M", "30:15,PT30M15S", "1:00:00,PT1H", "2-12,PT60H", "1-2:30,PT26H30M", "0-0:0:5,PT5S",
      "0:01,PT1S"})
  void runTimesReadAsSbatchReadsThem(String text, String expected) {
    assertEquals(Duration.parse(expected), JobCommands.time(text));
  }

  @Test
  void aTimeThatIsNotOneOfSbatchFormsIsRefusedWithExamples() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobCommands.time("1h"));
    assertEquals("A time is like 30 (minutes), 30:00, 1:00:00 or 2-12 (days-hours), not '1h'.", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"512,512", "512M,512", "2G,2048", "2GiB,2048", "1048576K,1024"})
  void memoryIsInMebibytesUnlessSuffixed(String text, int mib) {
    assertEquals(mib, JobCommands.memoryMib(text));
  }

  @Test
  void amountsTakeTheGivenCurrencyOrTheDefault() {
    assertEquals(Money.of("12.50", "GBP"), AccountCommands.amount("12.50", "GBP"));
    assertEquals(Money.of("3.00", "EUR"), AccountCommands.amount("3.00 eur", "GBP"));
    assertEquals(Money.of("3.00", "USD"), AccountCommands.amount("3.00USD", "GBP"));
    assertThrows(IllegalArgumentException.class, () -> AccountCommands.amount("1.234", "GBP"));
  }

  @Test
  void sparklinesSpanTheRangeOfTheLatestValues() {
    assertEquals("▁▅█", JobWatcher.sparkline(List.of(0.0, 5.0, 10.0)));
    assertEquals("▅▅", JobWatcher.sparkline(List.of(2.0, 2.0)));
  }

  @Test
  void driveLocationsSplitAtTheFirstColon() {
    assertEquals(new DriveCommands.Location("inputs", "a:b/c.txt"), DriveCommands.Location.parse("inputs:a:b/c.txt"));
    assertEquals(new DriveCommands.Location("inputs", ""), DriveCommands.Location.parse("inputs"));
    assertThrows(IllegalArgumentException.class, () -> DriveCommands.Location.parse(":x"));
  }

  @ParameterizedTest
  @CsvSource({"45s,PT45S", "30m,PT30M", "12h,PT12H", "7d,PT168H", "7D,PT168H"})
  void linkExpiriesAreANumberAndAUnit(String text, String expected) {
    assertEquals(Duration.parse(expected), SharingCommands.duration(text));
  }

  @Test
  void aLinkExpiryWithoutAUnitIsRefusedWithExamples() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SharingCommands.duration("7"));
    assertEquals("A duration is a number and a unit, such as 7d, 12h, 30m or 45s, not '7'.", e.getMessage());
  }

  @Test
  void everyCommandHasHelpWithExamples() {
    java.util.ArrayDeque<picocli.CommandLine> todo = new java.util.ArrayDeque<>();
    todo.add(Main.commandLine(new Main(), new String[] {"--help"}));
    int seen = 0;
    List<String> without = new java.util.ArrayList<>();
    while (!todo.isEmpty()) {
      picocli.CommandLine command = todo.poll();
      todo.addAll(command.getSubcommands().values());
      String name = command.getCommandSpec().qualifiedName();
      if (name.endsWith("generate-completion") || name.endsWith("cds-training")) {
        continue;
      }
      var help = command.getCommandSpec().findOption("--help");
      assertTrue(help != null && help.usageHelp() && command.getCommandSpec().findOption("-h") == help,
          name + " has no -h/--help");
      if (!command.getUsageMessage().contains("Examples:")) {
        without.add(name);
      }
      seen++;
    }
    assertEquals(List.of(), without, "commands without examples");
    assertTrue(seen > 50, "only " + seen + " commands");
  }

  @Test
  void aRunBuildsOnlyTheGroupAndTheCommandItsArgumentsName() {
    picocli.CommandLine balance = Main.commandLine(new Main(), new String[] {"--url", "http://x", "account", "balance"});
    assertEquals(List.of("account"), List.copyOf(balance.getSubcommands().keySet()));
    assertEquals(List.of("balance"), List.copyOf(balance.getSubcommands().get("account").getSubcommands().keySet()));
    assertTrue(Main.commandLine(new Main(), new String[] {"--version"}).getSubcommands().isEmpty());
    // Help and mistakes see the whole group, so picocli can list it and suggest a name.
    for (String[] args : List.of(new String[] {"account", "--help"}, new String[] {"account", "balanse"},
        new String[] {"account"})) {
      assertEquals(11, Main.commandLine(new Main(), args).getSubcommands().get("account").getSubcommands().size(),
          String.join(" ", args));
    }
  }

  @Test
  void theVersionPrintedWithoutPicocliIsWhatPicocliPrints() {
    java.io.StringWriter out = new java.io.StringWriter();
    picocli.CommandLine line = Main.commandLine(new Main(), new String[] {"--version"});
    line.setOut(new java.io.PrintWriter(out, true));
    assertEquals(0, line.execute("--version"));
    assertEquals(String.join(System.lineSeparator(), Main.versionLines()) + System.lineSeparator(), out.toString());
  }
}

package io.acquire.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.Money;
import io.acquire.client.SessionInfo;
import io.acquire.client.BudgetSummary;
import io.acquire.client.MemberBudget;
import io.acquire.client.StatementLine;
import io.acquire.client.AccessEntry;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RenderersTest {
  private final Renderer renderer = new Renderer();

  RenderersTest() {
    Renderers.register(renderer);
  }

  @Test
  void budgetsAreATableOfSpendPerMemberWithTotalsOverTheOpenOnes() {
    BudgetSummary summary = new BudgetSummary("acct_1", "lab <group>", List.of(
        new MemberBudget("acct_2", "lab/bob", "bob", "open", gbp("50.00"), gbp("12.25"), gbp("2.25"), gbp("5.00"),
            gbp("32.75"), gbp("10.00")),
        new MemberBudget("acct_3", "lab/cy", "cy", "frozen", gbp("20.00"), gbp("0.50"), gbp("0.00"), gbp("0.00"),
            gbp("19.50"), null),
        new MemberBudget("acct_4", "lab/dee", "dee", "closed", gbp("3.00"), gbp("3.00"), gbp("0.00"), gbp("0.00"),
            gbp("0.00"), null)));
    DisplayData data = renderer.render(summary);
    String html = String.valueOf(data.getData(MIMEType.TEXT_HTML));
    assertTrue(html.startsWith("<table class=\"acquire-budgets\">"), html);
    assertTrue(html.contains("lab &lt;group&gt;"), "names are escaped: " + html);
    assertTrue(html.contains(">bob<") && html.contains(">12.25 GBP<") && html.contains(">frozen<"), html);
    assertTrue(html.contains(">2 not closed<") && html.contains(">70.00 GBP<") && html.contains(">12.75 GBP<")
        && html.contains(">52.25 GBP<"), "totals leave the closed one out: " + html);
    assertEquals("Sub-accounts of lab <group>: bob spent 12.25 GBP of 50.00 GBP (open), cy spent 0.50 GBP of "
        + "20.00 GBP (frozen), dee spent 3.00 GBP of 3.00 GBP (closed)", data.getData(MIMEType.TEXT_PLAIN));
  }

  private static Money gbp(String amount) {
    return Money.of(amount, "GBP");
  }

  @Test
  void aStatementIsATableAndAHoldShowsTheAmountItHeld() {
    Instant at = Instant.parse("2026-12-05T10:00:00Z");
    List<StatementLine> statement = List.of(
        new StatementLine(1, at, "hold", Money.of("0.00", "GBP"), Money.of("100.00", "GBP"), "hold_1", null,
            "job quote", "", "h1", Money.of("0.25", "GBP")),
        new StatementLine(2, at, "capture", Money.of("-0.03", "GBP"), Money.of("99.97", "GBP"), "hold_1", null,
            "job ran 4 s", "h1", "h2", null));
    DisplayData data = renderer.render(statement);
    String html = String.valueOf(data.getData(MIMEType.TEXT_HTML));
    assertTrue(html.startsWith("<table class=\"acquire-statement\">"), html);
    assertTrue(html.contains(">held 0.25 GBP<"), html);
    assertTrue(html.contains(">-0.03 GBP<") && html.contains(">99.97 GBP<"), html);
    assertFalse(renderer.render(List.of(1, 2)).hasDataForType(MIMEType.TEXT_HTML), "other lists stay text");
    assertEquals("[1, 2]", renderer.render(List.of(1, 2)).getData(MIMEType.TEXT_PLAIN));
  }

  @Test
  void whoHasAccessIsATableOfUsersRolesFoldersAndReasons() {
    List<AccessEntry> access = List.of(new AccessEntry("ada", "owner", "", "owns the drive", null),
        new AccessEntry("bob", "reader", "results", "member of group ada/lab, shared by ada", "rule_1"));
    String html = String.valueOf(renderer.render(access).getData(MIMEType.TEXT_HTML));
    assertTrue(html.startsWith("<table class=\"acquire-access\">"), html);
    assertTrue(html.contains(">the whole drive<") && html.contains(">results/<"), html);
    assertTrue(html.contains(">member of group ada/lab, shared by ada<"), html);
  }

  @Test
  void aStorageLineOfAStatementShowsTheDriveTheFileVersionAndThePeriodItPaidFor() {
    Instant at = Instant.parse("2026-12-05T10:00:00Z");
    List<StatementLine> statement = List.of(
        new StatementLine(1, at, "capture", Money.of("-0.98", "GBP"), Money.of("99.02", "GBP"), "hold_1", null,
            "storage: drive data, runs/a.bin v1, 1048576 bytes, 2026-12-05 to 2027-12-05", "", "h1", null),
        new StatementLine(2, at, "credit", Money.of("0.78", "GBP"), Money.of("99.80", "GBP"), "tr_1", null,
            "storage refund: drive data, runs/a.bin v1 deleted, unused 2027-02-16 to 2027-12-05", "h1", "h2", null),
        new StatementLine(3, at, "credit", Money.of("5.00", "GBP"), Money.of("104.80", "GBP"), "tr_2", null,
            "pocket money", "h2", "h3", null));
    String html = String.valueOf(renderer.render(statement).getData(MIMEType.TEXT_HTML));
    assertTrue(html.contains(">Drive<") && html.contains(">File<") && html.contains(">Period<"), html);
    assertTrue(html.contains(">storage<") && html.contains(">data<") && html.contains(">runs/a.bin v1 (1.0 MiB)<")
        && html.contains(">2026-12-05 to 2027-12-05<"), html);
    assertTrue(html.contains(">storage refund<") && html.contains(">unused 2027-02-16 to 2027-12-05<"), html);
    assertTrue(html.contains(">pocket money<"), "other lines keep their description: " + html);
  }

  @Test
  void whoAmIReadsAsASentenceAndATable() {
    DisplayData data = renderer.render(new SessionInfo("ada", "ses_1", "user", Instant.parse("2026-12-06T10:00:00Z")));
    assertEquals("Signed in as ada (session ses_1, scope user, expires 2026-12-06T10:00:00Z)",
        data.getData(MIMEType.TEXT_PLAIN));
    assertTrue(String.valueOf(data.getData(MIMEType.TEXT_HTML)).contains(">ses_1<"));
  }

  @Test
  void aProgressBarBeforeItsFirstReportSaysItIsStartingNotZeroBytes() {
    ProgressBar bar = new ProgressBar("Upload");
    assertEquals("Upload: starting…", renderer.render(bar).getData(MIMEType.TEXT_PLAIN));
    bar.update(512, 2048);
    assertEquals("Upload: 25% (512 B of 2.0 KiB)", renderer.render(bar).getData(MIMEType.TEXT_PLAIN));
  }
}

package io.acquire.cli;

import io.acquire.client.Account;
import io.acquire.client.Money;
import io.acquire.client.BudgetSummary;
import io.acquire.client.ClosedBudget;
import io.acquire.client.MemberBudget;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code acquire account delegate|budgets|budget|freeze|unfreeze|close}: sub-accounts that give
 * members of a group a budget of their own, funded from one account (docs/accounts.md).
 */
final class DelegationCommands {
  private DelegationCommands() {}

  static void print(Cli cli, List<MemberBudget> budgets) {
    if (cli.json()) {
      cli.json(budgets);
      return;
    }
    Table table = new Table("MEMBER", "ACCOUNT", "ID", "STATUS", "BUDGET", "SPENT", "HELD", "AVAILABLE", "DAILY CAP",
        "SPENT TODAY");
    budgets.forEach(b -> table.row(b.member(), b.name(), b.account(), b.status(), b.budget(), b.spent(), b.held(),
        b.available(), b.dailyCap() == null ? "none" : b.dailyCap(), b.spentToday()));
    table.print(cli.out);
  }

  static Money cap(String text, String currency) {
    return text == null || text.equalsIgnoreCase("none") ? null : AccountCommands.amount(text, currency);
  }

  @Command(name = "delegate", mixinStandardHelpOptions = true,
      description = "Give each member a sub-account of ACCOUNT, funded from it with --budget (their total) and capped "
          + "at --daily-cap a day. All are opened or none; repeating it with the same figures changes nothing.",
      footerHeading = "%nExamples:%n",
      footer = {"  acquire account delegate lab-grant --member bob --member carol --budget 10.00 --daily-cap 2.00",
          "  acquire account budgets lab-grant"})
  static final class Delegate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ACCOUNT", description = "The paying account, one of yours by name or id.")
    String name;

    @Option(names = {"-m", "--member"}, required = true, paramLabel = "USER", description = "A member; repeat for several.")
    List<String> members;

    @Option(names = "--budget", required = true, paramLabel = "AMOUNT") String budget;

    @Option(names = "--daily-cap", paramLabel = "AMOUNT", description = "Each member's daily cap (default none).")
    String dailyCap;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      Account parent = cli.account(name);
      String currency = parent.balance().currency();
      List<String> ids = parent.delegate(members, AccountCommands.amount(budget, currency), cap(dailyCap, currency))
          .stream().map(Account::id).toList();
      print(cli, parent.budgets().members().stream().filter(b -> ids.contains(b.account())).toList());
      return ExitCodes.OK;
    }
  }

  @Command(name = "budgets", mixinStandardHelpOptions = true,
      description = "The sub-accounts of an account (yours): each member's budget, spending, holds and status.",
      footerHeading = "%nExamples:%n", footer = {"  acquire account budgets lab-grant", "  acquire account budgets --json"})
  static final class Budgets implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ACCOUNT", arity = "0..1") String name;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      BudgetSummary summary = cli.account(name).budgets();
      if (cli.json()) {
        cli.json(summary);
      } else if (summary.members().isEmpty()) {
        cli.err.println(summary.parentName() + " has no sub-accounts: acquire account delegate " + summary.parentName()
            + " --member USER --budget AMOUNT.");
      } else {
        print(cli, summary.members());
      }
      return ExitCodes.OK;
    }
  }

  /** The sub-account named by id (or by name, among the owner's accounts). */
  static Account subAccount(Cli cli, String idOrName) {
    return cli.account(idOrName);
  }

  @Command(name = "budget", mixinStandardHelpOptions = true,
      description = "Set a sub-account's total budget and daily cap ('none' for no cap). Raising the budget moves the "
          + "difference from the parent; lowering it moves back what is neither spent nor held.",
      footerHeading = "%nExamples:%n", footer = {"  acquire account budget ACC_ID --budget 20.00 --daily-cap none"})
  static final class SetBudget implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "SUBACCOUNT") String id;

    @Option(names = "--budget", required = true, paramLabel = "AMOUNT") String budget;

    @Option(names = "--daily-cap", paramLabel = "AMOUNT|none") String dailyCap;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      Account account = subAccount(cli, id);
      String currency = account.balance().currency();
      print(cli, List.of(account.setBudget(AccountCommands.amount(budget, currency), cap(dailyCap, currency))));
      return ExitCodes.OK;
    }
  }

  @Command(name = "freeze", mixinStandardHelpOptions = true,
      description = "Stop new holds and payments from a sub-account (running jobs still settle); --undo lets its "
          + "member spend again.",
      footerHeading = "%nExamples:%n", footer = {"  acquire account freeze ACC_ID", "  acquire account freeze ACC_ID --undo"})
  static final class Freeze implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "SUBACCOUNT") String id;

    @Option(names = "--undo", description = "Unfreeze it.") boolean undo;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      Account account = subAccount(cli, id);
      print(cli, List.of(undo ? account.unfreeze() : account.freeze()));
      return ExitCodes.OK;
    }
  }

  @Command(name = "close", mixinStandardHelpOptions = true,
      description = "Return a sub-account's remainder to its parent and close it for good. Refused (exit 6) while "
          + "jobs or holds run on it: freeze it, then close it once they settle.",
      footerHeading = "%nExamples:%n", footer = {"  acquire account close ACC_ID"})
  static final class Close implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "SUBACCOUNT") String id;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      ClosedBudget closed = subAccount(cli, id).close();
      if (cli.json()) {
        cli.json(closed);
      } else {
        cli.out.println("Closed " + closed.account().name() + " (" + closed.account().account() + "), returned "
            + (closed.returned() == null ? "nothing" : closed.returned()) + " to its parent.");
      }
      return ExitCodes.OK;
    }
  }
}

package io.acquire.cli;

import io.acquire.client.Account;
import io.acquire.client.Money;
import io.acquire.client.User;
import io.acquire.client.AccountSummary;
import io.acquire.client.Receipt;
import io.acquire.client.StatementLine;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code acquire account ...}: balances, statements, transfers and limits. */
@Command(name = "account", mixinStandardHelpOptions = true,
    description = "Your accounts: list, create, balance, statement, transfer, limits; sub-accounts for members: "
        + "delegate, budgets, budget, freeze, close. Amounts are like 12.50 or "
        + "'12.50 GBP' (the account's currency if none is given).",
    footerHeading = "%nExamples:%n",
    footer = {"  acquire account create simulations --daily-cap 20.00",
        "  acquire account balance simulations",
        "  acquire account transfer 5.00 --from simulations --to ACC_ID --description thanks"})
final class AccountCommands implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "Name what to do: list, create, balance, statement, transfer, limits, delegate, budgets, budget, freeze or "
            + "close.");
  }

  /** "12.50" or "12.50 GBP"; {@code none} for no amount where that is allowed. */
  static Money amount(String text, String defaultCurrency) {
    String[] parts = text.strip().split("\\s+");
    if (parts.length == 2) {
      return Money.of(parts[0], parts[1].toUpperCase(Locale.ROOT));
    }
    if (parts.length == 1 && parts[0].length() > 3 && Character.isLetter(parts[0].charAt(parts[0].length() - 1))) {
      String currency = parts[0].substring(parts[0].length() - 3).toUpperCase(Locale.ROOT);
      return Money.of(parts[0].substring(0, parts[0].length() - 3), currency);
    }
    if (parts.length != 1) {
      throw new IllegalArgumentException("An amount is like 12.50 or '12.50 GBP', not '" + text + "'.");
    }
    return Money.of(parts[0], defaultCurrency);
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Your accounts with their balances.",
      footerHeading = "%nExamples:%n", footer = {"  acquire account list", "  acquire account list --json"})
  static final class ListAccounts implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      List<AccountSummary> views = Account.statuses(cli.loggedIn());
      if (cli.json()) {
        cli.json(views);
        return ExitCodes.OK;
      }
      Table table = new Table("NAME", "ID", "BALANCE", "AVAILABLE", "DAILY CAP", "SPENT TODAY");
      views.forEach(v -> table.row(v.name(), v.id(), v.balance(), v.available(), v.dailyCap(), v.spentToday()));
      if (table.isEmpty()) {
        cli.err.println("No accounts yet: acquire account create NAME.");
      } else {
        table.print(cli.out);
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Open an account (your first holds the demo credit). --default makes it the profile's account.",
      footerHeading = "%nExamples:%n", footer = "  acquire account create simulations --overdraft 0 --daily-cap 20.00 --default")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME") String name;

    @Option(names = "--overdraft", paramLabel = "AMOUNT", description = "Overdraft limit (default none).")
    String overdraft;

    @Option(names = "--daily-cap", paramLabel = "AMOUNT", description = "Daily spending cap (default none).")
    String dailyCap;

    @Option(names = "--currency", defaultValue = "GBP", description = "Currency of bare amounts (default ${DEFAULT-VALUE}).")
    String currency;

    @Option(names = "--default", description = "Make it the account later commands use.")
    boolean makeDefault;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      User user = cli.loggedIn();
      Account account = Account.create(user, name, overdraft == null ? null : amount(overdraft, currency),
          dailyCap == null ? null : amount(dailyCap, currency));
      if (makeDefault) {
        cli.config.set(cli.profile, "account", account.name());
        cli.config.save();
      }
      AccountSummary view = account.status();
      if (cli.json()) {
        cli.json(view);
      } else {
        cli.out.println("Created account " + view.name() + " (" + view.id() + "), balance " + view.balance() + ".");
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "balance", mixinStandardHelpOptions = true,
      description = "An account's balance and what is available (balance - holds + overdraft room). Without NAME: "
          + "the profile's account, else your first.",
      footerHeading = "%nExamples:%n", footer = {"  acquire account balance", "  acquire account balance simulations --json"})
  static final class Balance implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME", arity = "0..1") String name;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      AccountSummary view = cli.accountStatus(name);
      if (cli.json()) {
        cli.json(view);
      } else {
        cli.out.println(view.name() + ": " + cli.colour("@|bold " + view.balance() + "|@") + " (available "
            + view.available() + ", " + view.holds().size() + " hold" + (view.holds().size() == 1 ? "" : "s") + ")");
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "statement", mixinStandardHelpOptions = true,
      description = "Every line of an account's journal, oldest first: what moved, why, and the balance after.",
      footerHeading = "%nExamples:%n", footer = {"  acquire account statement simulations",
          "  acquire account statement --json | jq '.[] | select(.kind == \"capture\")'"})
  static final class StatementOf implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME", arity = "0..1") String name;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      List<StatementLine> lines = cli.account(name).statement();
      if (cli.json()) {
        cli.json(lines);
        return ExitCodes.OK;
      }
      Table table = new Table("#", "AT", "KIND", "AMOUNT", "BALANCE", "DESCRIPTION");
      lines.forEach(l -> table.row(l.seq(), l.at(), l.kind(), l.held() != null ? "(held " + l.held() + ")" : l.amount(),
          l.balance(), l.description()));
      table.print(cli.out);
      return ExitCodes.OK;
    }
  }

  @Command(name = "transfer", mixinStandardHelpOptions = true,
      description = "Move money to another account, once (the request carries an idempotency key).",
      footerHeading = "%nExamples:%n",
      footer = {"  acquire account transfer 5.00 --from simulations --to savings        # your own account, by name",
          "  acquire account transfer '5.00 GBP' --to acc_1f2e... --description 'for the cluster'"})
  static final class TransferMoney implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "AMOUNT") String amount;

    @Option(names = "--from", paramLabel = "NAME", description = "Paying account (default: the profile's or first).")
    String from;

    @Option(names = "--to", required = true, paramLabel = "ACCOUNT", description = "One of your accounts by name, or any account by id.")
    String to;

    @Option(names = "--description", paramLabel = "TEXT", defaultValue = "transfer from the command line")
    String description;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      User user = cli.loggedIn();
      Account payer = cli.account(from);
      String target = Account.list(user).stream().filter(a -> a.name().equals(to)).map(Account::id).findFirst()
          .orElse(to);
      Money money = amount(amount, payer.balance().currency());
      Receipt receipt = payer.transferTo(target, money, description);
      if (cli.json()) {
        cli.json(receipt);
      } else {
        cli.out.println("Transferred " + receipt.amount() + " from " + payer.name() + " to "
            + receipt.to() + " (transfer " + receipt.id() + ").");
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "limits", mixinStandardHelpOptions = true,
      description = "Show an account's overdraft limit and daily cap, or set them (both are set together; an "
          + "option left out keeps its value, 'none' removes the daily cap).",
      footerHeading = "%nExamples:%n",
      footer = {"  acquire account limits simulations", "  acquire account limits simulations --daily-cap 20.00",
          "  acquire account limits --overdraft 0 --daily-cap none"})
  static final class Limits implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME", arity = "0..1") String name;

    @Option(names = "--overdraft", paramLabel = "AMOUNT") String overdraft;

    @Option(names = "--daily-cap", paramLabel = "AMOUNT|none") String dailyCap;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      Account account = cli.account(name);
      AccountSummary view = account.status();
      if (overdraft != null || dailyCap != null) {
        String currency = view.balance().currency();
        Money newOverdraft = overdraft == null ? view.overdraftLimit() : amount(overdraft, currency);
        Money newCap = dailyCap == null ? view.dailyCap()
            : dailyCap.equalsIgnoreCase("none") ? null : amount(dailyCap, currency);
        account.setLimits(newOverdraft == null ? Money.zero(currency) : newOverdraft, newCap);
        view = account.status();
      }
      if (cli.json()) {
        cli.json(view);
      } else {
        cli.out.println(view.name() + ": overdraft limit " + view.overdraftLimit() + ", daily cap "
            + (view.dailyCap() == null ? "none" : view.dailyCap()) + ", spent today " + view.spentToday());
      }
      return ExitCodes.OK;
    }
  }
}

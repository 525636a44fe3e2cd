package io.acquire.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command tree, built only as far as a run's arguments need it. Picocli builds a command's
 * model by reflection over its annotations, a group's with all of its commands, and that was
 * the largest part of a typical command's start-up; so groups list their commands here rather
 * than in {@code @Command(subcommands = ...)}, and a run builds the group and the one command it
 * names. Help, completion and mistakes get every command.
 */
final class Commands {
  private Commands() {}

  /** Options of the top command that take a value, to find the command names after them. */
  private static final Set<String> VALUE_OPTIONS = Set.of("--profile", "--url", "--user", "-u");

  /** The top-level commands, in the order help lists them. */
  static Map<String, Class<?>> top() {
    Map<String, Class<?>> commands = new LinkedHashMap<>();
    commands.put("login", IdentityCommands.Login.class);
    commands.put("register", IdentityCommands.Register.class);
    commands.put("whoami", IdentityCommands.WhoAmI.class);
    commands.put("logout", IdentityCommands.Logout.class);
    commands.put("approve", IdentityCommands.Approve.class);
    commands.put("account", AccountCommands.class);
    commands.put("drive", DriveCommands.class);
    commands.put("job", JobCommands.class);
    commands.put("group", GroupCommands.class);
    commands.put("publish", PublishCommands.Publish.class);
    commands.put("publication", PublishCommands.Publications.class);
    commands.put("config", ConfigCommands.class);
    commands.put("generate-completion", AutoComplete.GenerateCompletion.class);
    commands.put("cds-training", CdsTraining.class);
    return commands;
  }

  /** A group's commands in the order help lists them; none for a command that is not a group. */
  static List<Class<?>> of(String group) {
    return switch (group) {
      case "account" -> List.of(AccountCommands.ListAccounts.class, AccountCommands.Create.class,
          AccountCommands.Balance.class, AccountCommands.StatementOf.class, AccountCommands.TransferMoney.class,
          AccountCommands.Limits.class, DelegationCommands.Delegate.class, DelegationCommands.Budgets.class,
          DelegationCommands.SetBudget.class, DelegationCommands.Freeze.class, DelegationCommands.Close.class);
      case "drive" -> List.of(DriveCommands.Ls.class, DriveCommands.Put.class, DriveCommands.Get.class,
          DriveCommands.Versions.class, StorageCommands.Rm.class, StorageCommands.RmDrive.class,
          StorageCommands.Extend.class, StorageCommands.Archive.class, StorageCommands.Payer.class,
          SharingCommands.Share.class, SharingCommands.Unshare.class, SharingCommands.Access.class,
          SharingCommands.Shared.class, SharingCommands.MakeLink.class, SharingCommands.Fetch.class,
          SharingCommands.Links.class, SharingCommands.RevokeLink.class);
      case "job" -> List.of(JobCommands.Prices.class, JobCommands.QuoteJob.class, JobCommands.Submit.class,
          JobCommands.ListJobs.class, JobCommands.Status.class, JobCommands.Watch.class, JobCommands.Wait.class,
          JobCommands.Cancel.class, JobCommands.Outputs.class);
      case "group" -> List.of(GroupCommands.Create.class, GroupCommands.Add.class, GroupCommands.Remove.class,
          GroupCommands.ListGroups.class);
      case "publication" -> List.of(PublishCommands.ListPublications.class, PublishCommands.Show.class,
          PublishCommands.Cite.class, PublishCommands.Withdraw.class);
      case "config" -> List.of(ConfigCommands.Show.class, ConfigCommands.Set.class, ConfigCommands.Unset.class);
      default -> List.of();
    };
  }

  /** The first two words of {@code args} that are neither options nor option values: the command's path. */
  static String[] path(String[] args) {
    String[] path = new String[2];
    int found = 0;
    for (int i = 0; i < args.length && found < 2; i++) {
      if (VALUE_OPTIONS.contains(args[i])) {
        i++;
      } else if (!args[i].startsWith("-")) {
        path[found++] = args[i];
      }
    }
    return path;
  }

  /** The top command with the part of the tree {@code args} name. */
  static CommandLine build(Main main, String[] args) {
    CommandLine line = new CommandLine(main);
    String[] path = path(args);
    boolean help = List.of(args).contains("-h") || List.of(args).contains("--help");
    Map<String, Class<?>> top = top();
    // No command: help (or nothing) lists them all, --version needs none. An unknown one
    // gets them all for picocli's suggestions.
    boolean all = path[0] == null ? args.length == 0 || help
        : !top.containsKey(path[0]) || path[0].equals("generate-completion");
    for (Map.Entry<String, Class<?>> command : top.entrySet()) {
      if (all || command.getKey().equals(path[0])) {
        line.addSubcommand(command.getKey(), group(command.getKey(), command.getValue(), all || help ? null : path[1]));
      }
    }
    return line;
  }

  /** A command; for a group, with the command called {@code name}, or all of them if none or no such one. */
  private static Object group(String groupName, Class<?> type, String name) {
    List<Class<?>> members = of(groupName);
    if (members.isEmpty()) {
      return type;
    }
    CommandLine group = new CommandLine(type);
    boolean known = name != null && members.stream().anyMatch(m -> commandName(m).equals(name));
    for (Class<?> member : members) {
      if (!known || commandName(member).equals(name)) {
        group.addSubcommand(commandName(member), member);
      }
    }
    return group;
  }

  private static String commandName(Class<?> command) {
    return command.getAnnotation(Command.class).name();
  }
}

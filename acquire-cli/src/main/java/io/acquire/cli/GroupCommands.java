package io.acquire.cli;

import io.acquire.client.Group;
import io.acquire.client.User;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code acquire group ...}: named sets of users to share drives with (acquire drive share DRIVE --group G). */
@Command(name = "group", mixinStandardHelpOptions = true,
    description = "Your groups of users, to share drives with: create, add, remove, list. A drive shared with a group "
        + "reaches whoever is in it at the time.",
    footerHeading = "%nExamples:%n",
    footer = {"  acquire group create lab", "  acquire group add lab bob carol",
        "  acquire drive share results --group lab --role reader"})
final class GroupCommands implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Name what to do: create, add, remove or list.");
  }

  static Map<String, Object> view(Group group) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", group.id());
    view.put("name", group.name());
    view.put("owner", group.owner());
    view.put("members", group.members());
    return view;
  }

  static void print(Cli cli, String verb, Group group) {
    if (cli.json()) {
      cli.json(view(group));
    } else {
      cli.out.println(verb + " group " + group.name() + " (" + group.id() + "), members: "
          + (group.members().isEmpty() ? "none" : String.join(", ", group.members())) + ".");
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Make a group, empty or with MEMBERs.",
      footerHeading = "%nExamples:%n", footer = {"  acquire group create lab", "  acquire group create lab bob carol --json"})
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME") String name;

    @Parameters(index = "1..*", paramLabel = "MEMBER") List<String> members = List.of();

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      Group group = Group.create(cli.loggedIn(), name);
      for (String member : members) {
        group = group.add(member);
      }
      print(cli, "Created", group);
      return ExitCodes.OK;
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Add users to a group of yours.",
      footerHeading = "%nExamples:%n", footer = "  acquire group add lab bob carol")
  static final class Add implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "GROUP") String name;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "USER") List<String> users;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      Group group = SharingCommands.group(cli.loggedIn(), name);
      for (String user : users) {
        group = group.add(user);
      }
      print(cli, "Updated", group);
      return ExitCodes.OK;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Remove users from a group of yours; they lose what the group's rules gave them at once.",
      footerHeading = "%nExamples:%n", footer = "  acquire group remove lab carol")
  static final class Remove implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "GROUP") String name;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "USER") List<String> users;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      Group group = SharingCommands.group(cli.loggedIn(), name);
      for (String user : users) {
        group = group.remove(user);
      }
      print(cli, "Updated", group);
      return ExitCodes.OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Your groups and their members.",
      footerHeading = "%nExamples:%n", footer = {"  acquire group list", "  acquire group list --json"})
  static final class ListGroups implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      User user = cli.loggedIn();
      List<Group> groups = Group.list(user);
      if (cli.json()) {
        cli.json(groups.stream().map(GroupCommands::view).toList());
        return ExitCodes.OK;
      }
      Table table = new Table("NAME", "ID", "MEMBERS");
      groups.forEach(g -> table.row(g.name(), g.id(), String.join(", ", g.members())));
      if (table.isEmpty()) {
        cli.err.println("No groups yet: acquire group create NAME.");
      } else {
        table.print(cli.out);
      }
      return ExitCodes.OK;
    }
  }
}

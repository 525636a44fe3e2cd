package io.acquire.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code acquire config ...}: the profile's settings. */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = {"Settings by profile (--profile NAME or $ACQUIRE_PROFILE; default 'default') in "
        + "config.properties under $ACQUIRE_CONFIG_DIR, else $XDG_CONFIG_HOME/acquire, else ~/.config/acquire.",
        "Keys: url (the backend), user, account (the default account), drive (where --script goes)."},
    footerHeading = "%nExamples:%n",
    footer = {"  acquire config set url https://acquire.example.org", "  acquire --profile work config set account group-budget",
        "  acquire config show"})
final class ConfigCommands implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Name what to do: show, set or unset.");
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "The settings in effect for this profile (options and environment variables included) and where they live.",
      footerHeading = "%nExamples:%n", footer = {"  acquire config show", "  acquire --profile work config show --json"})
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      Map<String, Object> settings = new LinkedHashMap<>();
      settings.put("profile", cli.profile);
      settings.put("url", cli.url());
      settings.put("user", cli.usernameOrNull());
      settings.put("account", cli.config.get(cli.profile, "account"));
      settings.put("drive", cli.defaultDrive());
      settings.put("file", cli.config.file().toString());
      settings.put("wallet", cli.config.walletDirectory().toString());
      settings.put("profiles", cli.config.profiles());
      if (cli.json()) {
        cli.json(settings);
      } else {
        settings.forEach((k, v) -> cli.out.println(k + ": " + (v == null ? "-" : v)));
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "set", mixinStandardHelpOptions = true, description = "Set a key of the profile.",
      footerHeading = "%nExamples:%n", footer = "  acquire config set account simulations")
  static final class Set implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(index = "0", paramLabel = "KEY", description = "url, user, account or drive") String key;
    @Parameters(index = "1", paramLabel = "VALUE") String value;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      cli.config.set(cli.profile, key, value);
      cli.config.save();
      cli.note("Set " + key + " of profile " + cli.profile + ".");
      return ExitCodes.OK;
    }
  }

  @Command(name = "unset", mixinStandardHelpOptions = true, description = "Remove a key from the profile.",
      footerHeading = "%nExamples:%n", footer = "  acquire config unset account")
  static final class Unset implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "KEY") String key;

    @Override
    public Integer call() {
      Cli cli = Cli.of(spec);
      cli.config.set(cli.profile, key, null);
      cli.config.save();
      cli.note("Removed " + key + " from profile " + cli.profile + ".");
      return ExitCodes.OK;
    }
  }
}

package io.quayctl;

import io.quayctl.cli.Errors;
import io.quayctl.cli.QuayctlCommand;
import io.quayctl.cli.UsageErrors;
import java.util.Arrays;
import picocli.CommandLine;

/** Entry point of the {@code quayctl} command line. */
public final class Quayctl {
  private Quayctl() {}

  /** Runs the command line and exits with its exit code. */
  public static void main(String[] args) {
    boolean debug = Arrays.asList(args).contains("--debug");
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", debug ? "debug" : "warn");
    }
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.exit(run(debug, args));
  }

  /** Runs the command line and returns its exit code. */
  public static int run(boolean debug, String... args) {
    CommandLine cli = new CommandLine(new QuayctlCommand());
    cli.setExecutionExceptionHandler(new Errors(debug));
    cli.setParameterExceptionHandler(new UsageErrors());
    cli.setUsageHelpAutoWidth(true);
    return cli.execute(args);
  }
}

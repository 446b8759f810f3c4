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
    boolean agent = args.length > 0 && args[0].equals("agent");
    configureLogging(debug, agent);
    System.exit(run(debug, args));
  }

  /**
   * Warnings only, unless {@code --debug}: then quayctl's own loggers at DEBUG. Other libraries
   * stay at WARN either way (docker-java's HTTP client logs every byte on the wire at DEBUG). With
   * {@code --debug} and for the agent ({@code detailed}) every line has time, thread and logger;
   * otherwise a warning reads like the command's other messages, {@code quayctl: warning: ...}. A
   * {@code -Dorg.slf4j.simpleLogger...} given to the JVM wins.
   */
  static void configureLogging(boolean debug, boolean detailed) {
    String prefix = "org.slf4j.simpleLogger.";
    setIfAbsent(prefix + "defaultLogLevel", "warn");
    if (debug) {
      setIfAbsent(prefix + "log.io.quayctl", "debug");
    }
    if (debug || detailed) {
      setIfAbsent(prefix + "showDateTime", "true");
      setIfAbsent(prefix + "dateTimeFormat", "HH:mm:ss.SSS");
    } else {
      setIfAbsent(prefix + "showDateTime", "false");
      setIfAbsent(prefix + "showThreadName", "false");
      setIfAbsent(prefix + "showLogName", "false");
      setIfAbsent(prefix + "showShortLogName", "false");
      setIfAbsent(prefix + "levelInBrackets", "false");
      setIfAbsent(prefix + "warnLevelString", "quayctl: warning:");
    }
  }

  private static void setIfAbsent(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
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

package io.quayctl.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code quayctl version}. */
@Command(name = "version", description = "Print the version.")
final class VersionCommand implements Callable<Integer> {

  /** The version from the jar manifest, or {@code dev} when run from classes. */
  static String version() {
    String v = VersionCommand.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public Integer call() {
    System.out.println("quayctl " + version());
    System.out.println("java " + System.getProperty("java.version"));
    return ExitCode.OK;
  }
}

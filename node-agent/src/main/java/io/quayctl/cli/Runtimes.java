package io.quayctl.cli;

import io.quayctl.runtime.ContainerRuntime;
import io.quayctl.runtime.ContainerRuntimes;
import java.io.IOException;
import java.io.PrintStream;

/** Opens the container runtime the flags select, before any download starts. */
final class Runtimes {
  private Runtimes() {}

  static ContainerRuntime open(RuntimeOptions o, PrintStream out) throws IOException {
    ContainerRuntimes.Selection selection = ContainerRuntimes.open(o.toOptions(), System.getenv());
    out.println("Runtime: " + selection.reason());
    return selection.runtime();
  }
}

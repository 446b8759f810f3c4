package io.quayctl.cli;

import io.quayctl.runtime.ContainerRuntime;
import io.quayctl.runtime.ContainerRuntimes;
import java.io.IOException;
import java.io.PrintStream;

/** Opens the container runtime the flags select, before any download starts. */
final class Runtimes {
  private Runtimes() {}

  static ContainerRuntime open(TorrentOptions o, PrintStream out) throws IOException {
    ContainerRuntimes.Options options =
        new ContainerRuntimes.Options(
            ContainerRuntimes.Kind.parse(o.runtime),
            o.containerdAddress.toString(),
            o.containerdNamespace,
            null,
            o.dockerHost);
    ContainerRuntimes.Selection selection = ContainerRuntimes.open(options, System.getenv());
    out.println("Runtime: " + selection.reason());
    return selection.runtime();
  }
}

package io.quayctl.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A real containerd with its own root, state, sockets and config (CRI plugin disabled: the tests
 * use ctr), started by a test and stopped by {@link #close()}.
 */
public final class ContainerdDaemon implements AutoCloseable {
  private final DaemonProcess process;
  private final Path socket;
  private final Path ctr;
  private final String snapshotter;

  private ContainerdDaemon(DaemonProcess process, Path socket, Path ctr, String snapshotter) {
    this.process = process;
    this.socket = socket;
    this.ctr = ctr;
    this.snapshotter = snapshotter;
  }

  /** Starts containerd in a fresh temporary directory and waits until it answers. */
  public static ContainerdDaemon start() throws IOException {
    return launch(null, Files.createTempDirectory("quayctl-containerd-"), null);
  }

  /**
   * Starts containerd inside {@code host}'s network namespace only, with its root, state and
   * sockets under {@code dir} and its output in {@code log}; closing stops it and leaves both to
   * the caller. Its sockets are files, so ctr reaches it from anywhere on the machine.
   */
  public static ContainerdDaemon start(TestNetwork.Host host, Path dir, Path log)
      throws IOException {
    return launch(Objects.requireNonNull(host, "host"), dir, Objects.requireNonNull(log, "log"));
  }

  /** {@code host} null: here; {@code log} null: in {@code dir}, which closing then deletes. */
  private static ContainerdDaemon launch(TestNetwork.Host host, Path dir, Path log)
      throws IOException {
    Path containerd = HostCommand.require("containerd", "containerd");
    Path ctr = HostCommand.require("ctr", "containerd");
    Files.createDirectories(dir);
    Path socket = dir.resolve("containerd.sock");
    Path config = dir.resolve("config.toml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "version = 2",
            "root = \"" + dir.resolve("root") + "\"",
            "state = \"" + dir.resolve("state") + "\"",
            "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]",
            "[grpc]",
            "  address = \"" + socket + "\"",
            "[ttrpc]",
            "  address = \"" + socket + ".ttrpc\"",
            "[debug]",
            "  address = \"" + dir.resolve("debug.sock") + "\"",
            "[plugins.\"io.containerd.internal.v1.opt\"]",
            "  path = \"" + dir.resolve("opt") + "\"",
            ""),
        StandardCharsets.UTF_8);
    List<String> command = List.of(containerd.toString(), "--config", config.toString());
    String name = host == null ? "containerd" : "containerd in " + host.name();
    DaemonProcess process =
        log == null
            ? DaemonProcess.start(name, dir, command)
            : DaemonProcess.startLoggingTo(name, log, host.command(command));
    try {
      ContainerdDaemon probe = new ContainerdDaemon(process, socket, ctr, null);
      process.awaitReady(probe::answers, Duration.ofSeconds(60));
      String plugins = probe.ctr("default", "plugins", "ls").orThrow();
      String snapshotter =
          plugins
                  .lines()
                  .anyMatch(
                      l ->
                          l.matches(
                              "io\\.containerd\\.snapshotter\\.v1\\s+overlayfs\\s.*\\sok\\s*"))
              ? "overlayfs"
              : "native";
      return new ContainerdDaemon(process, socket, ctr, snapshotter);
    } catch (IOException | RuntimeException | AssertionError e) {
      process.close();
      throw e;
    }
  }

  /** The gRPC socket. */
  public Path socket() {
    return socket;
  }

  /** overlayfs where containerd reports it usable under the temporary root, else native. */
  public String snapshotter() {
    return snapshotter;
  }

  /** Runs ctr against this daemon in {@code namespace}. */
  public HostCommand.Result ctr(String namespace, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(List.of(ctr.toString(), "-a", socket.toString(), "-n", namespace));
    command.addAll(List.of(args));
    return HostCommand.run(Duration.ofSeconds(120), command);
  }

  private boolean answers() {
    try {
      return Files.exists(socket) && ctr("default", "version").exitCode() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** The daemon's log tail, for failure messages. */
  public String logTail() {
    return process.logTail();
  }

  @Override
  public void close() {
    process.close();
  }
}

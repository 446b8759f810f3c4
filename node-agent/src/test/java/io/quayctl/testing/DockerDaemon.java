package io.quayctl.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real dockerd on a private socket, data root and exec root (vfs storage, no bridge, no
 * iptables), started by a test and stopped by {@link #close()}.
 */
public final class DockerDaemon implements AutoCloseable {
  private final DaemonProcess process;
  private final Path socket;
  private final Path docker;

  private DockerDaemon(DaemonProcess process, Path socket, Path docker) {
    this.process = process;
    this.socket = socket;
    this.docker = docker;
  }

  /** Starts dockerd in a fresh temporary directory and waits until it answers. */
  public static DockerDaemon start() throws IOException {
    return start(null, List.of());
  }

  /**
   * Starts dockerd inside {@code host}'s network namespace (only that one, so cgroups stay
   * visible), trusting the plain-HTTP registries {@code insecureRegistries} ({@code host:port}).
   * Its socket is a file, so the docker CLI reaches it from anywhere on the machine.
   */
  public static DockerDaemon start(TestNetwork.Host host, List<String> insecureRegistries)
      throws IOException {
    Path dockerd = HostCommand.require("dockerd", "docker.io");
    Path docker = HostCommand.require("docker", "docker.io (docker CLI)");
    Path dir = Files.createTempDirectory("quayctl-dockerd-");
    Path socket = dir.resolve("docker.sock");
    Path config = dir.resolve("daemon.json");
    Files.writeString(config, "{}", StandardCharsets.UTF_8);
    List<String> command =
        new ArrayList<>(
            List.of(
                dockerd.toString(),
                "--config-file=" + config,
                "--data-root=" + dir.resolve("data"),
                "--exec-root=" + dir.resolve("exec"),
                "--pidfile=" + dir.resolve("docker.pid"),
                "-H",
                "unix://" + socket,
                "--iptables=false",
                "--ip6tables=false",
                "--bridge=none",
                "--storage-driver=vfs"));
    for (String registry : insecureRegistries) {
      command.add("--insecure-registry=" + registry);
    }
    DaemonProcess process =
        DaemonProcess.start(
            host == null ? "dockerd" : "dockerd in " + host.name(),
            dir,
            host == null ? command : host.command(command));
    DockerDaemon daemon = new DockerDaemon(process, socket, docker);
    try {
      process.awaitReady(daemon::answers, Duration.ofSeconds(60));
    } catch (IOException | RuntimeException e) {
      process.close();
      throw e;
    }
    return daemon;
  }

  /** {@code unix:///…/docker.sock}, for DOCKER_HOST. */
  public String host() {
    return "unix://" + socket;
  }

  /** The socket path. */
  public Path socket() {
    return socket;
  }

  /** Runs the docker CLI against this daemon. */
  public HostCommand.Result docker(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(docker.toString(), "-H", host()));
    command.addAll(List.of(args));
    return HostCommand.run(Duration.ofSeconds(120), command);
  }

  private boolean answers() {
    try {
      return Files.exists(socket)
          && docker("version", "--format", "{{.Server.Version}}").exitCode() == 0;
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

package io.quayctl.cli;

import io.quayctl.runtime.ContainerRuntimes;
import io.quayctl.runtime.docker.DockerHost;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Flags choosing the container runtime that {@code docker torrent pull} imports into; commands that
 * never import (seed, rkt) do not take them.
 */
public final class RuntimeOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--runtime",
      defaultValue = "auto",
      paramLabel = "RUNTIME",
      description = "Container runtime: auto, docker or containerd (default: ${DEFAULT-VALUE}).")
  String runtime;

  @Option(
      names = "--containerd-address",
      defaultValue = "/run/containerd/containerd.sock",
      paramLabel = "SOCKET",
      description = "containerd socket (default: ${DEFAULT-VALUE}).")
  Path containerdAddress;

  @Option(
      names = "--containerd-namespace",
      defaultValue = "k8s.io",
      paramLabel = "NAMESPACE",
      description = "containerd namespace, k8s.io for kubelet (default: ${DEFAULT-VALUE}).")
  String containerdNamespace;

  @Option(
      names = "--docker-host",
      paramLabel = "ADDRESS",
      description =
          "Docker engine address: unix:///path/to/docker.sock, tcp://HOST:PORT, or a socket"
              + " path (default: $DOCKER_HOST, else unix:///var/run/docker.sock).")
  String dockerHost;

  /**
   * Where {@link #dockerHost} came from, for messages: the flag or the variable; set by validate.
   */
  String dockerHostSource;

  /**
   * Checks the runtime flags, and DOCKER_HOST when Docker may be used, before anything touches the
   * runtime; normalises the Docker host. Throws a {@link ParameterException} that names the flag
   * (or the variable) and the value.
   */
  void validate(Map<String, String> env) {
    ContainerRuntimes.Kind kind;
    try {
      kind = ContainerRuntimes.Kind.parse(runtime);
    } catch (IllegalArgumentException e) {
      throw usage("--runtime: " + e.getMessage());
    }
    if (containerdAddress.toString().isBlank()) {
      throw usage("--containerd-address must be a socket path, was empty");
    }
    if (containerdNamespace.isBlank()) {
      throw usage("--containerd-namespace must not be empty");
    }
    if (dockerHost != null) {
      dockerHost = dockerHost("--docker-host", dockerHost);
      dockerHostSource = "--docker-host";
    } else if (kind != ContainerRuntimes.Kind.CONTAINERD) {
      String fromEnv = env.get("DOCKER_HOST");
      if (fromEnv != null && !fromEnv.isBlank()) {
        dockerHost = dockerHost("environment variable DOCKER_HOST", fromEnv);
        dockerHostSource = "DOCKER_HOST";
      }
    }
  }

  /** What {@link ContainerRuntimes#open} needs, from flags that {@link #validate} checked. */
  ContainerRuntimes.Options toOptions() {
    return new ContainerRuntimes.Options(
        ContainerRuntimes.Kind.parse(runtime),
        containerdAddress.toString(),
        containerdNamespace,
        null,
        dockerHost,
        dockerHostSource,
        "--containerd-address");
  }

  private String dockerHost(String source, String value) {
    try {
      return DockerHost.parse(value).uri();
    } catch (IllegalArgumentException e) {
      throw usage(source + ": " + e.getMessage());
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(command.commandLine(), message);
  }
}

package io.quayctl.runtime;

import io.quayctl.runtime.containerd.ContainerdRuntime;
import io.quayctl.runtime.docker.DockerRuntime;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/** Chooses and opens the container runtime images are imported into ({@code --runtime}). */
public final class ContainerRuntimes {
  private static final String DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

  private ContainerRuntimes() {}

  /** The {@code --runtime} choice. */
  public enum Kind {
    AUTO,
    CONTAINERD,
    DOCKER;

    /** Parses {@code auto}, {@code containerd} or {@code docker}. */
    public static Kind parse(String text) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown runtime \"" + text + "\": expected auto, containerd or docker", e);
      }
    }
  }

  /**
   * Runtime options; null strings mean the defaults.
   *
   * @param kind which runtime, or auto
   * @param containerdAddress containerd's socket ({@value ContainerdRuntime#DEFAULT_ADDRESS})
   * @param containerdNamespace the namespace to import into ({@code k8s.io})
   * @param snapshotter the snapshotter to unpack for ({@code auto}: overlayfs, else native)
   * @param dockerHost the engine's address (DOCKER_HOST, else {@value #DEFAULT_DOCKER_HOST})
   * @param dockerHostSource where {@code dockerHost} came from, for messages: the flag that gave it
   *     ({@code --docker-host}) or {@code DOCKER_HOST}; null without a {@code dockerHost}
   * @param containerdAddressFlag the option that sets {@code containerdAddress}, for messages
   *     (null: {@code --containerd-address})
   */
  public record Options(
      Kind kind,
      String containerdAddress,
      String containerdNamespace,
      String snapshotter,
      String dockerHost,
      String dockerHostSource,
      String containerdAddressFlag) {

    /** Auto-selection with every default. */
    public static Options defaults() {
      return new Options(Kind.AUTO, null, null, null, null, null, null);
    }
  }

  /** The opened runtime and, for the log, why it was chosen. */
  public record Selection(ContainerRuntime runtime, String reason) {}

  /**
   * What probing found on this host.
   *
   * @param containerd null when containerd answered, else why not
   * @param containerdServesKubelet whether containerd's CRI plugin is loaded
   * @param docker null when Docker answered, else why not
   * @param dockerChosenExplicitly whether DOCKER_HOST or a Docker host option was given
   */
  record Probe(
      String containerd,
      boolean containerdServesKubelet,
      String docker,
      boolean dockerChosenExplicitly) {}

  /** Opens the runtime the options ask for, probing the host when they say {@code auto}. */
  public static Selection open(Options options, Map<String, String> env) throws IOException {
    String dockerHost = nonBlank(options.dockerHost());
    String dockerSource = options.dockerHostSource();
    if (dockerHost == null) {
      dockerHost = nonBlank(env.get("DOCKER_HOST"));
      dockerSource = "DOCKER_HOST";
    }
    if (dockerHost == null) {
      dockerSource = null;
    } else if (dockerSource == null) {
      dockerSource = "the Docker host option";
    }
    String dockerShown = dockerHost != null ? dockerHost : DEFAULT_DOCKER_HOST;
    switch (options.kind()) {
      case DOCKER -> {
        DockerRuntime docker = DockerRuntime.connect(dockerHost, dockerSource);
        try {
          docker.ping();
        } catch (IOException e) {
          docker.close();
          throw e;
        }
        return new Selection(docker, "--runtime docker: Docker at " + docker.host());
      }
      case CONTAINERD -> {
        ContainerdRuntime containerd = containerd(options);
        containerd.ping();
        return new Selection(
            containerd,
            "--runtime containerd: containerd at "
                + containerd.address()
                + ", namespace "
                + containerd.namespace());
      }
      default -> {
        ContainerdRuntime containerd = null;
        String containerdProblem;
        boolean kubelet = false;
        try {
          containerd = containerd(options);
          containerd.ping();
          kubelet = containerd.servesKubelet();
          containerdProblem = null;
        } catch (IOException e) {
          containerdProblem = e.getMessage();
        }
        DockerRuntime docker = DockerRuntime.connect(dockerHost, dockerSource);
        String dockerProblem;
        try {
          docker.ping();
          dockerProblem = null;
        } catch (IOException e) {
          dockerProblem = e.getMessage();
        }
        Probe probe = new Probe(containerdProblem, kubelet, dockerProblem, dockerHost != null);
        Kind chosen;
        try {
          chosen = choose(probe);
        } catch (RuntimeUnavailableException e) {
          docker.close();
          throw e;
        }
        String reason = reason(probe, chosen, containerd, dockerShown, dockerSource);
        if (chosen == Kind.DOCKER) {
          return new Selection(docker, reason);
        }
        docker.close();
        return new Selection(containerd, reason);
      }
    }
  }

  /**
   * The auto choice: Docker when the user pointed at it and it answers; else containerd when it
   * serves a kubelet; else whichever answers, Docker first (a plain containerd is often the one
   * dockerd runs on). Throws when neither answers.
   */
  static Kind choose(Probe probe) throws RuntimeUnavailableException {
    boolean containerdUp = probe.containerd() == null;
    boolean dockerUp = probe.docker() == null;
    if (dockerUp && probe.dockerChosenExplicitly()) {
      return Kind.DOCKER;
    }
    if (containerdUp && probe.containerdServesKubelet()) {
      return Kind.CONTAINERD;
    }
    if (dockerUp) {
      return Kind.DOCKER;
    }
    if (containerdUp) {
      return Kind.CONTAINERD;
    }
    throw new RuntimeUnavailableException(
        "no container runtime found: "
            + probe.containerd()
            + "; "
            + probe.docker()
            + ". Start containerd or Docker, or choose one with --runtime and its address",
        null);
  }

  private static String reason(
      Probe probe,
      Kind chosen,
      ContainerdRuntime containerd,
      String dockerHost,
      String dockerSource) {
    if (chosen == Kind.DOCKER) {
      return "auto: Docker at "
          + dockerHost
          + (probe.dockerChosenExplicitly()
              ? " (" + dockerSource + " given)"
              : probe.containerd() == null
                  ? " (containerd answers but runs no CRI plugin, so no kubelet uses it)"
                  : " (containerd: " + probe.containerd() + ")");
    }
    return "auto: containerd at "
        + containerd.address()
        + ", namespace "
        + containerd.namespace()
        + (probe.containerdServesKubelet()
            ? " (its CRI plugin serves kubelet)"
            : " (Docker: " + probe.docker() + ")");
  }

  private static String nonBlank(String text) {
    return text == null || text.isBlank() ? null : text;
  }

  private static ContainerdRuntime containerd(Options options) throws IOException {
    return ContainerdRuntime.connect(
            options.containerdAddress(), options.containerdNamespace(), options.snapshotter())
        .addressFrom(options.containerdAddressFlag());
  }
}

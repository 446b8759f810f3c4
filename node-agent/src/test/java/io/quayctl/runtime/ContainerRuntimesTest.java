package io.quayctl.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quayctl.runtime.ContainerRuntimes.Kind;
import io.quayctl.runtime.ContainerRuntimes.Options;
import io.quayctl.runtime.ContainerRuntimes.Probe;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerRuntimesTest {
  private static final String DOWN = "cannot reach X: connection refused";

  @Test
  void aKubeletsContainerdWinsOverDocker() throws Exception {
    assertThat(ContainerRuntimes.choose(new Probe(null, true, null, false)))
        .isEqualTo(Kind.CONTAINERD);
  }

  @Test
  void dockerWinsWhenTheUserPointedAtIt() throws Exception {
    assertThat(ContainerRuntimes.choose(new Probe(null, true, null, true))).isEqualTo(Kind.DOCKER);
  }

  @Test
  void dockerWinsOverAContainerdWithoutCri() throws Exception {
    assertThat(ContainerRuntimes.choose(new Probe(null, false, null, false)))
        .isEqualTo(Kind.DOCKER);
  }

  @Test
  void whicheverAnswers() throws Exception {
    assertThat(ContainerRuntimes.choose(new Probe(DOWN, false, null, true))).isEqualTo(Kind.DOCKER);
    assertThat(ContainerRuntimes.choose(new Probe(null, false, DOWN, true)))
        .isEqualTo(Kind.CONTAINERD);
  }

  @Test
  void noneAnswersNamesBothProblems() {
    assertThatThrownBy(
            () ->
                ContainerRuntimes.choose(
                    new Probe(
                        "cannot reach containerd at /c.sock: no such socket",
                        false,
                        "cannot reach Docker at unix:///d.sock: connection refused",
                        false)))
        .isInstanceOf(RuntimeUnavailableException.class)
        .hasMessageStartingWith("no container runtime found: ")
        .hasMessageContaining("containerd at /c.sock: no such socket")
        .hasMessageContaining("Docker at unix:///d.sock: connection refused")
        .hasMessageContaining("--runtime");
  }

  @Test
  void aMissingDockerSocketNamesWhereItsAddressCameFrom(@TempDir Path dir) {
    String missing = "unix://" + dir.resolve("docker.sock");
    assertThatThrownBy(
            () ->
                ContainerRuntimes.open(
                    new Options(Kind.DOCKER, null, null, null, null, null, null),
                    Map.of("DOCKER_HOST", missing)))
        .isInstanceOf(RuntimeUnavailableException.class)
        .hasMessage(
            "cannot reach Docker at "
                + missing
                + ": no such socket (is dockerd running? is DOCKER_HOST right?)");
    assertThatThrownBy(
            () ->
                ContainerRuntimes.open(
                    new Options(Kind.DOCKER, null, null, null, missing, "--docker-socket", null),
                    Map.of("DOCKER_HOST", "unix:///elsewhere.sock")))
        .isInstanceOf(RuntimeUnavailableException.class)
        .hasMessageEndingWith("no such socket (is dockerd running? is --docker-socket right?)");
  }

  @Test
  void aMissingContainerdSocketNamesTheOptionThatGaveIt(@TempDir Path dir) {
    String missing = dir.resolve("containerd.sock").toString();
    assertThatThrownBy(
            () ->
                ContainerRuntimes.open(
                    new Options(
                        Kind.CONTAINERD, missing, null, null, null, null, "--containerd-socket"),
                    Map.of()))
        .isInstanceOf(RuntimeUnavailableException.class)
        .hasMessageEndingWith(
            "no such socket (is containerd running? is --containerd-socket right?)");
  }

  @Test
  void parsesTheFlag() {
    assertThat(Kind.parse("Docker")).isEqualTo(Kind.DOCKER);
    assertThatThrownBy(() -> Kind.parse("podman"))
        .hasMessage("unknown runtime \"podman\": expected auto, containerd or docker");
  }
}

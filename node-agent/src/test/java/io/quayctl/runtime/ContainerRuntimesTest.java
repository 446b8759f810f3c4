package io.quayctl.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quayctl.runtime.ContainerRuntimes.Kind;
import io.quayctl.runtime.ContainerRuntimes.Probe;
import org.junit.jupiter.api.Test;

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
  void parsesTheFlag() {
    assertThat(Kind.parse("Docker")).isEqualTo(Kind.DOCKER);
    assertThatThrownBy(() -> Kind.parse("podman"))
        .hasMessage("unknown runtime \"podman\": expected auto, containerd or docker");
  }
}

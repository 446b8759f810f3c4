package io.quayctl.operator.planning;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "bash",
        "library/bash:5.2",
        "localhost:5000/team/app",
        "registry.example.com/team/app:1.2",
        "[::1]:5000/app@sha256:1111111111111111111111111111111111111111111111111111111111111111",
        "ghcr.io/org/my__app-x:v1.0_rc"
      })
  void accepts(String ref) {
    assertThatCode(() -> ImageReference.validate(ref)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " bash",
        "Team/App",
        "app:-bad",
        "app@sha256:xyz",
        "registry.example.com/",
        "a//b",
        "bad_host.example.com:99x/app"
      })
  void rejects(String ref) {
    assertThatThrownBy(() -> ImageReference.validate(ref))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

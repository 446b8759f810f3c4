package io.quayctl.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageReferenceTest {
  private static final String HEX =
      "4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945";

  @ParameterizedTest
  @CsvSource({
    "bash,                      docker.io,       library/bash, latest, docker.io/library/bash:latest",
    "index.docker.io/x/y,       docker.io,       x/y,          latest, docker.io/x/y:latest",
    "registry-1.docker.io/bash, docker.io,       library/bash, latest, docker.io/library/bash:latest",
    "localhost:5000/x,          localhost:5000,  x,            latest, localhost:5000/x:latest",
    "localhost/x,               localhost,       x,            latest, localhost/x:latest",
    "myreg:5000/a/b:t,          myreg:5000,      a/b,          t,      myreg:5000/a/b:t",
    "a.b/c,                     a.b,             c,            latest, a.b/c:latest",
    "user/repo:1.0-rc_1,        docker.io,       user/repo,    1.0-rc_1, docker.io/user/repo:1.0-rc_1",
    "[::1]:5000/x:v1,           [::1]:5000,      x,            v1,     [::1]:5000/x:v1",
    "ghcr.io/org/my__app-x:v1.0_rc, ghcr.io,     org/my__app-x, v1.0_rc, ghcr.io/org/my__app-x:v1.0_rc",
  })
  void normalises(String text, String registry, String repository, String tag, String full) {
    ImageReference ref = ImageReference.parse(text);
    assertThat(ref.registry()).isEqualTo(registry);
    assertThat(ref.repository()).isEqualTo(repository);
    assertThat(ref.tag()).contains(tag);
    assertThat(ref.digest()).isEmpty();
    assertThat(ref.manifestReference()).isEqualTo(tag);
    assertThat(ref).hasToString(full);
    assertThat(ImageReference.parse(full)).isEqualTo(ref);
  }

  @Test
  void dockerHubApiHost() {
    assertThat(ImageReference.parse("bash").apiHost()).isEqualTo("registry-1.docker.io");
    assertThat(ImageReference.parse("localhost:5000/x").apiHost()).isEqualTo("localhost:5000");
  }

  @Test
  void digestOnly() {
    ImageReference ref = ImageReference.parse("repo@sha256:" + HEX);
    assertThat(ref.tag()).isEmpty();
    assertThat(ref.digest()).contains(Digest.parse("sha256:" + HEX));
    assertThat(ref.manifestReference()).isEqualTo("sha256:" + HEX);
    assertThat(ref).hasToString("docker.io/library/repo@sha256:" + HEX);
  }

  @Test
  void tagAndDigestPinsTheDigest() {
    ImageReference ref = ImageReference.parse("myreg:5000/repo:tag@sha256:" + HEX);
    assertThat(ref.tag()).contains("tag");
    assertThat(ref.manifestReference()).isEqualTo("sha256:" + HEX);
    assertThat(ref).hasToString("myreg:5000/repo:tag@sha256:" + HEX);
  }

  @Test
  void withDigestKeepsTheTag() {
    Digest d = Digest.parse("sha256:" + HEX);
    assertThat(ImageReference.parse("a.b/c:v1").withDigest(d)).hasToString("a.b/c:v1@" + d);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''                       | image reference is empty",
        "'   '                    | image reference is empty",
        "' bash'                  | whitespace",
        "Bash                     | uppercase letters in \"Bash\"",
        "myreg:5000/Team/app      | uppercase letters in \"Team\"",
        "bash:-bad                | tag \"-bad\"",
        "bash:a+b                 | tag \"a+b\"",
        "bash:                    | tag \"\"",
        "bash@sha256:abc          | expected 64 lowercase hex characters",
        "bash@md5:0123            | unsupported digest algorithm \"md5\"",
        "bash@nocolon             | invalid digest",
        "a//b                     | an empty path component",
        "a/b_-c                   | invalid path component \"b_-c\"",
        ":tag                     | no repository",
        "my_reg.io/x              | bad registry host \"my_reg.io\"",
        "bad_host.example.com:99x/app | bad registry host",
        "registry.example.com/    | an empty path component",
      })
  void rejectsNamingTheProblem(String text, String problem) {
    assertThatThrownBy(() -> ImageReference.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(problem);
  }

  @Test
  void rejectsOverlongRepository() {
    assertThatThrownBy(() -> ImageReference.parse("a.b/" + "x".repeat(256)))
        .hasMessageContaining("longer than 255");
  }
}

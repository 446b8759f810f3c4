package io.quayctl.runtime.containerd;

import static org.assertj.core.api.Assertions.assertThat;

import io.quayctl.api.ImageReference;
import io.quayctl.registry.Platform;
import io.quayctl.registry.ResolvedImage;
import io.quayctl.testing.ImageFixtures;
import org.junit.jupiter.api.Test;

class ContainerdRuntimeTest {
  @Test
  void namesAreThoseCriGivesAPulledImage() {
    ImageFixtures.Image fixture = ImageFixtures.image("n", 1, 100, Platform.current());
    ResolvedImage image = fixture.resolved(ImageReference.parse("nginx:1.27"));

    assertThat(ContainerdRuntime.names(image))
        .containsExactly(
            "docker.io/library/nginx:1.27",
            "docker.io/library/nginx@" + fixture.manifestDigest(),
            fixture.configDigest().toString());
  }

  @Test
  void aDigestOnlyReferenceGetsNoTagName() {
    ImageFixtures.Image fixture = ImageFixtures.image("n", 1, 100, Platform.current());
    ResolvedImage image =
        fixture.resolved(ImageReference.parse("localhost:5000/app@" + fixture.manifestDigest()));

    assertThat(ContainerdRuntime.names(image))
        .containsExactly(
            "localhost:5000/app@" + fixture.manifestDigest(), fixture.configDigest().toString());
  }
}

package io.quayctl.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.quayctl.api.ImageReference;
import io.quayctl.registry.Platform;
import io.quayctl.registry.ResolvedImage;
import io.quayctl.runtime.ImageConfig;
import io.quayctl.testing.ImageFixtures;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DockerRuntimeTest {
  @Test
  void familiarTagsAreWhatDockerShows() {
    assertThat(DockerRuntime.familiarTag(ImageReference.parse("bash"))).isEqualTo("bash:latest");
    assertThat(DockerRuntime.familiarTag(ImageReference.parse("docker.io/library/bash:5")))
        .isEqualTo("bash:5");
    assertThat(DockerRuntime.familiarTag(ImageReference.parse("user/app:1")))
        .isEqualTo("user/app:1");
    assertThat(DockerRuntime.familiarTag(ImageReference.parse("docker.io/library/a/b:1")))
        .isEqualTo("library/a/b:1");
    assertThat(DockerRuntime.familiarTag(ImageReference.parse("localhost:5000/app:1")))
        .isEqualTo("localhost:5000/app:1");
  }

  @Test
  void sendsEveryLayerFromTheFirstChainTheEngineLacks() throws Exception {
    ImageFixtures.Layer a = ImageFixtures.layer("a", 100, 1);
    ImageFixtures.Layer b = ImageFixtures.layer("b", 100, 2);
    ImageFixtures.Layer c = ImageFixtures.layer("c", 100, 3);
    ImageFixtures.Image fixture =
        ImageFixtures.image(
            List.of(a, b, a, c),
            Platform.current(),
            "application/vnd.oci.image.manifest.v1+json",
            "x");
    ResolvedImage image = fixture.resolved(ImageReference.parse("x:1"));
    ImageConfig config = ImageConfig.parse(fixture.config());
    var chains = config.chainIds();

    DockerRuntime.Plan none = DockerRuntime.plan(image, config, Set.of());
    assertThat(none.blobsToSend()).containsExactlyInAnyOrder(a.digest(), b.digest(), c.digest());

    // The engine has a|b: layer 2 (a again) and 3 (c) are above a missing chain, so a goes again.
    DockerRuntime.Plan two =
        DockerRuntime.plan(image, config, Set.of(chains.get(0), chains.get(1)));
    assertThat(two.blobsToSend()).containsExactlyInAnyOrder(a.digest(), c.digest());
    assertThat(two.skipped()).isEqualTo(1);

    // A chain further up without the ones below cannot be used: docker load walks bottom up.
    DockerRuntime.Plan gap = DockerRuntime.plan(image, config, Set.of(chains.get(1)));
    assertThat(gap.sent()).isEqualTo(3);

    DockerRuntime.Plan all = DockerRuntime.plan(image, config, Set.copyOf(chains));
    assertThat(all.blobsToSend()).isEmpty();
    assertThat(all.skipped()).isEqualTo(3);
  }
}

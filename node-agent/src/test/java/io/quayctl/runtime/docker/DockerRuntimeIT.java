package io.quayctl.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quayctl.api.ImageReference;
import io.quayctl.registry.ResolvedImage;
import io.quayctl.runtime.ContainerRuntime;
import io.quayctl.runtime.ContainerRuntimeConformance;
import io.quayctl.runtime.ContainerRuntimes;
import io.quayctl.runtime.ImportResult;
import io.quayctl.testing.CountingBlobStore;
import io.quayctl.testing.DockerDaemon;
import io.quayctl.testing.HostCommand;
import io.quayctl.testing.ImageFixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link DockerRuntime} against a real dockerd started for this class. */
class DockerRuntimeIT extends ContainerRuntimeConformance {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static DockerDaemon daemon;
  private static DockerRuntime runtime;

  @BeforeAll
  static void startDaemon() throws IOException {
    daemon = DockerDaemon.start();
    runtime = DockerRuntime.connect(daemon.host());
  }

  @AfterAll
  static void stopDaemon() throws IOException {
    try {
      if (runtime != null) {
        runtime.close();
      }
    } finally {
      if (daemon != null) {
        daemon.close();
      }
    }
  }

  @Override
  protected ContainerRuntime runtime() {
    return runtime;
  }

  @Override
  protected ContainerRuntime runtimeAt(Path socket) {
    return DockerRuntime.connect("unix://" + socket);
  }

  @Override
  protected String daemonName() {
    return "Docker";
  }

  @Override
  protected void assertImported(ResolvedImage image, ImageFixtures.Image fixture)
      throws IOException {
    String tag = DockerRuntime.familiarTag(image.reference());
    JsonNode inspect = inspect(tag);
    assertThat(inspect.path("Id").asText())
        .as("image id of %s", tag)
        .isEqualTo(fixture.configDigest().toString());
    List<String> tags = new ArrayList<>();
    inspect.path("RepoTags").forEach(t -> tags.add(t.asText()));
    assertThat(tags).contains(tag);
    List<String> layers = new ArrayList<>();
    inspect.path("RootFS").path("Layers").forEach(l -> layers.add(l.asText()));
    assertThat(layers)
        .isEqualTo(fixture.layers().stream().map(l -> l.diffId().toString()).toList());
  }

  @Override
  protected void assertAbsent(ResolvedImage image) throws IOException {
    assertThat(daemon.docker("image", "inspect", image.config().digest().toString()).exitCode())
        .as("docker image inspect by id")
        .isNotZero();
    assertThat(daemon.docker("image", "inspect", image.reference().toString()).exitCode())
        .as("docker image inspect by name")
        .isNotZero();
  }

  private static JsonNode inspect(String name) throws IOException {
    HostCommand.Result result = daemon.docker("image", "inspect", "--format", "{{json .}}", name);
    return JSON.readTree(result.orThrow());
  }

  @Test
  void aContainerCanBeCreatedFromTheImportedImage() throws IOException {
    ImageReference reference = uniqueReference("create");
    ImageFixtures.Image fixture = fixture(reference, 2, 64 << 10);
    runtime.importImage(fixture.resolved(reference), storeWith(fixture));

    String id = daemon.docker("create", reference.toString()).orThrow().strip();
    try {
      String rootfs = daemon.docker("export", id).orThrow();
      String layerDir = reference.repository().replace('/', '-');
      assertThat(rootfs).contains(layerDir + "-0/README", layerDir + "-1/README");
    } finally {
      daemon.docker("rm", id);
    }
  }

  @Test
  void dockerHubImagesGetTheirFamiliarTag() throws IOException {
    String repo = uniqueReference("hub").repository().replace('/', '-');
    ImageReference reference = ImageReference.parse(repo + ":7");
    assertThat(reference.toString()).isEqualTo("docker.io/library/" + repo + ":7");
    ImageFixtures.Image fixture = fixture(reference, 1, 4096);

    ImportResult result = runtime.importImage(fixture.resolved(reference), storeWith(fixture));

    assertThat(result.outcome()).isEqualTo(ImportResult.Outcome.IMPORTED);
    assertThat(inspect(repo + ":7").path("Id").asText())
        .isEqualTo(fixture.configDigest().toString());
    assertThat(inspect(reference.toString()).path("Id").asText())
        .as("the normalised name resolves too")
        .isEqualTo(fixture.configDigest().toString());
  }

  @Test
  void anImagePresentWithoutTheTagIsOnlyTagged() throws IOException {
    ImageReference reference = uniqueReference("untagged");
    ImageFixtures.Image fixture = fixture(reference, 1, 4096);
    ImageReference byDigest =
        ImageReference.parse(reference.name() + "@" + fixture.manifestDigest());
    runtime.importImage(fixture.resolved(byDigest), storeWith(fixture));
    assertThat(inspect(fixture.configDigest().toString()).path("RepoTags"))
        .as("a digest-only reference loads untagged")
        .isEmpty();

    CountingBlobStore counting = new CountingBlobStore(storeWith(fixture));
    ImportResult result = runtime.importImage(fixture.resolved(reference), counting);

    assertThat(result.outcome()).isEqualTo(ImportResult.Outcome.ALREADY_PRESENT);
    assertThat(counting.opened()).isEmpty();
    assertImported(fixture.resolved(reference), fixture);
  }

  @Test
  void autoSelectionPicksDockerWhenNoContainerdAnswers() throws IOException {
    ContainerRuntimes.Options options =
        new ContainerRuntimes.Options(
            ContainerRuntimes.Kind.AUTO,
            tmp.resolve("no-containerd.sock").toString(),
            null,
            null,
            daemon.host(),
            "--docker-host",
            null);
    ContainerRuntimes.Selection selection = ContainerRuntimes.open(options, Map.of());
    try (ContainerRuntime chosen = selection.runtime()) {
      assertThat(chosen.name()).isEqualTo("docker");
      assertThat(selection.reason()).startsWith("auto: Docker at " + daemon.host());
    }
  }
}

package io.quayctl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quayctl.Quayctl;
import io.quayctl.api.Digest;
import io.quayctl.registry.MediaTypes;
import io.quayctl.registry.Platform;
import io.quayctl.store.FileBlobStore;
import io.quayctl.testing.DockerDaemon;
import io.quayctl.testing.HostCommand;
import io.quayctl.testing.ImageFixtures;
import io.quayctl.testing.ImageFixtures.Image;
import io.quayctl.testing.RegistryFront;
import io.quayctl.testing.RegistryServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quayctl docker torrent pull} from a real registry with auth into a real dockerd. */
class PullCommandIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static RegistryServer registry;
  private static DockerDaemon docker;
  private static Path dockerConfig;

  @BeforeAll
  static void start(@TempDir Path tmp) throws Exception {
    registry = RegistryServer.basic("alice", "s3cret");
    docker = DockerDaemon.start();
    dockerConfig = tmp.resolve("docker-config");
    Files.createDirectories(dockerConfig);
    String auth =
        java.util.Base64.getEncoder()
            .encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
    Files.writeString(
        dockerConfig.resolve("config.json"),
        "{\"auths\":{\"" + registry.host() + "\":{\"auth\":\"" + auth + "\"}}}");
  }

  @AfterAll
  static void stop() throws Exception {
    if (docker != null) {
      docker.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  record Run(int exit, String out, String err) {}

  private static Run quayctl(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = Quayctl.run(false, args);
      return new Run(
          exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private static List<String> pullArgs(String ref, Path dataDir, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "docker",
                "torrent",
                "pull",
                ref,
                "--runtime",
                "docker",
                "--docker-host",
                docker.host(),
                "--data-dir",
                dataDir.toString(),
                "--docker-config",
                dockerConfig.toString()));
    args.addAll(List.of(extra));
    return args;
  }

  @Test
  void pullsTheRightPlatformOfATwoPlatformImageWithAuthIntoDocker(@TempDir Path data)
      throws Exception {
    Image amd64 = ImageFixtures.image("app", 2, 64 * 1024, Platform.parse("linux/amd64"));
    Image arm64 = ImageFixtures.image("app", 2, 64 * 1024, Platform.parse("linux/arm64/v8"));
    ImageFixtures.pushIndex(
        registry, "team/app", "2.0", MediaTypes.OCI_INDEX, List.of(amd64, arm64));
    String ref = registry.host() + "/team/app:2.0";

    Run run = quayctl(pullArgs(ref, data, "--platform", "linux/arm64/v8").toArray(String[]::new));

    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(0);
    assertThat(run.out()).contains("Imported " + ref);
    JsonNode inspect = JSON.readTree(docker.docker("image", "inspect", ref).orThrow()).get(0);
    assertThat(inspect.get("Id").asText()).isEqualTo(arm64.configDigest().toString());
    assertThat(inspect.get("RepoTags").toString()).contains(ref);
    List<String> layers = new ArrayList<>();
    inspect.get("RootFS").get("Layers").forEach(l -> layers.add(l.asText()));
    assertThat(layers)
        .containsExactlyElementsOf(
            arm64.layers().stream().map(l -> l.diffId().toString()).toList());

    // Again, from an empty data directory: the image is in Docker, so no blob is fetched.
    Run again =
        quayctl(
            pullArgs(ref, data.resolve("empty"), "--platform", "linux/arm64/v8")
                .toArray(String[]::new));
    assertThat(again.exit()).isEqualTo(0);
    assertThat(again.out()).contains("is already in docker").doesNotContain("Verified");
    List<Digest> blobs = new ArrayList<>(List.of(arm64.configDigest()));
    arm64.layers().forEach(l -> blobs.add(l.digest()));
    for (Digest blob : blobs) {
      assertThat(registry.blobGets(blob)).as("GETs of %s over both pulls", blob).hasSize(1);
    }
  }

  @Test
  void aSquashedPullWithoutPeersSquashesHereAndASecondPullOnlyLooksItUp(@TempDir Path data)
      throws Exception {
    Image image =
        ImageFixtures.image(
            List.of(
                ImageFixtures.layer("flat-0", 128 * 1024, 21),
                ImageFixtures.layerOf("flat-0/.wh.file-1.bin", "", "flat-1/", "", "flat-1/a", "a")),
            Platform.current(),
            MediaTypes.OCI_MANIFEST,
            "flat");
    ImageFixtures.push(registry, "team/flat", "1", image);
    String ref = registry.host() + "/team/flat:1";

    Run run = quayctl(pullArgs(ref, data, "--squashed").toArray(String[]::new));

    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(0);
    assertThat(run.out())
        .contains("Squashing 2 layers")
        .contains("1 whiteout applied")
        .contains("Imported " + ref);
    JsonNode inspect = JSON.readTree(docker.docker("image", "inspect", ref).orThrow()).get(0);
    assertThat(inspect.get("RootFS").get("Layers")).hasSize(1);
    String imageId = inspect.get("Id").asText();

    // The runtime has it and the squash is remembered: nothing fetched, nothing squashed.
    Run again = quayctl(pullArgs(ref, data, "--squashed").toArray(String[]::new));
    assertThat(again.exit()).as(again.out() + again.err()).isEqualTo(0);
    assertThat(again.out()).doesNotContain("Squashing").contains("is already in docker");
    assertThat(again.out()).contains(imageId);
    for (ImageFixtures.Layer layer : image.layers()) {
      assertThat(registry.blobGets(layer.digest())).as("GETs of %s", layer.digest()).hasSize(1);
    }
  }

  @Test
  void wrongCredentialsGiveAClearErrorAndExitCode(@TempDir Path data) throws Exception {
    Image image = ImageFixtures.image("denied", 1, 4096, Platform.current());
    ImageFixtures.push(registry, "team/denied", "1", image);
    Path badConfig = data.resolve("bad");
    Files.createDirectories(badConfig);
    Files.writeString(
        badConfig.resolve("config.json"),
        "{\"auths\":{\""
            + registry.host()
            + "\":{\"auth\":\""
            + java.util.Base64.getEncoder()
                .encodeToString("alice:wrong".getBytes(StandardCharsets.UTF_8))
            + "\"}}}");
    Path saved = dockerConfig;
    dockerConfig = badConfig;
    try {
      Run run =
          quayctl(
              pullArgs(registry.host() + "/team/denied:1", data.resolve("d"))
                  .toArray(String[]::new));
      assertThat(run.exit()).isEqualTo(ExitCode.ACCESS_DENIED);
      assertThat(run.err()).startsWith("quayctl: error: access denied").doesNotContain("Exception");
    } finally {
      dockerConfig = saved;
    }
  }

  @Test
  void badReferenceIsAUsageErrorWithoutStackTrace(@TempDir Path data) {
    Run run = quayctl(pullArgs("Bad/UPPER:case", data).toArray(String[]::new));
    assertThat(run.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err()).contains("uppercase").doesNotContain("\tat ");
  }

  @Test
  void aDataDirThatIsAFileIsAUsageError(@TempDir Path tmp) throws Exception {
    Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
    Run run = quayctl(pullArgs(registry.host() + "/team/any:1", file).toArray(String[]::new));
    assertThat(run.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err())
        .contains("--data-dir " + file + " cannot hold the blob store")
        .contains("not a directory")
        .doesNotContain("\tat ");
  }

  @Test
  void tamperedBlobFailsWithDigestMismatchAndNothingIsImportedOrStored(@TempDir Path data)
      throws Exception {
    Image image = ImageFixtures.image("tampered", 2, 32 * 1024, Platform.current());
    ImageFixtures.push(registry, "team/tampered", "1", image);
    Run run;
    String ref;
    try (RegistryFront front = RegistryFront.start(registry)) {
      front.tamper(image.layers().get(1).digest());
      ref = front.host() + "/team/tampered:1";
      String auth =
          java.util.Base64.getEncoder()
              .encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
      Files.writeString(
          dockerConfig.resolve("config.json"),
          "{\"auths\":{\""
              + registry.host()
              + "\":{\"auth\":\""
              + auth
              + "\"},\""
              + front.host()
              + "\":{\"auth\":\""
              + auth
              + "\"}}}");
      run = quayctl(pullArgs(ref, data).toArray(String[]::new));
    }

    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(ExitCode.VERIFICATION_FAILED);
    assertThat(run.err()).contains("digest mismatch for " + image.layers().get(1).digest());
    assertThat(docker.docker("image", "inspect", ref).exitCode()).isNotZero();
    try (Stream<Path> blobs = Files.list(data.resolve("store/blobs/sha256"))) {
      assertThat(blobs.map(p -> p.getFileName().toString()))
          .doesNotContain(image.layers().get(1).digest().hex());
    }
  }

  @Test
  void aCorruptBlobInTheStoreIsFetchedAgainNeverImported(@TempDir Path data) throws Exception {
    Image image = ImageFixtures.image("rot", 2, 64 * 1024, Platform.current());
    ImageFixtures.push(registry, "team/rot", "1", image);
    String ref = registry.host() + "/team/rot:1";
    assertThat(quayctl(pullArgs(ref, data).toArray(String[]::new)).exit()).isEqualTo(0);
    docker.docker("rmi", ref).orThrow();
    Digest rotten = image.layers().get(0).digest();
    Path blob = data.resolve("store/blobs/sha256/" + rotten.hex());
    try (var file = java.nio.channels.FileChannel.open(blob, StandardOpenOption.WRITE)) {
      file.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), 100);
    }

    Run run = quayctl(pullArgs(ref, data).toArray(String[]::new));

    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(0);
    assertThat(run.out() + run.err()).contains(rotten + " in the store is corrupt");
    JsonNode inspect = JSON.readTree(docker.docker("image", "inspect", ref).orThrow()).get(0);
    assertThat(inspect.get("Id").asText()).isEqualTo(image.configDigest().toString());
    try (var in = Files.newInputStream(blob)) {
      assertThat(FileBlobStore.hash(in)).isEqualTo(rotten);
    }
    assertThat(registry.blobGets(rotten)).as("GETs of the corrupted blob").hasSize(2);
    assertThat(registry.blobGets(image.layers().get(1).digest())).hasSize(1);
  }

  @Test
  void anImageThatCannotFitIsRefusedBeforeAnyLayerIsFetched(@TempDir Path tmp) throws Exception {
    Image image = ImageFixtures.image("huge", 2, 512 * 1024, Platform.current());
    ImageFixtures.push(registry, "team/huge", "1", image);
    String ref = registry.host() + "/team/huge:1";
    Path data = Files.createDirectories(tmp.resolve("small"));
    Run run;
    try (TinyFileSystem disk = TinyFileSystem.mount(data, "640k")) {
      run = quayctl(pullArgs(ref, disk.dir()).toArray(String[]::new));
      try (Stream<Path> blobs = Files.list(disk.dir().resolve("store/blobs/sha256"));
          Stream<Path> partial = Files.list(disk.dir().resolve("store/partial"))) {
        assertThat(Stream.concat(blobs, partial)).as("files left in the store").isEmpty();
      }
    }

    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(ExitCode.DISK_FULL);
    assertThat(run.err())
        .startsWith("quayctl: error: not enough space in " + data.resolve("store"))
        .contains(" for image " + ref + ": needs 1.0 MiB more, ")
        .contains(" free; free some space there or choose another --data-dir")
        .doesNotContain("\tat ");
    for (ImageFixtures.Layer layer : image.layers()) {
      assertThat(registry.blobGets(layer.digest())).as("GETs of %s", layer.digest()).isEmpty();
    }
    assertThat(docker.docker("image", "inspect", ref).exitCode()).isNotZero();
  }

  @Test
  void aDiskThatFillsDuringTheDownloadIsExitCodeEightWithoutRetriesAndNothingImported(
      @TempDir Path tmp) throws Exception {
    Image image = ImageFixtures.image("big", 2, 512 * 1024, Platform.current());
    ImageFixtures.push(registry, "team/big", "1", image);
    String ref = registry.host() + "/team/big:1";
    Path data = Files.createDirectories(tmp.resolve("small"));
    Run run;
    try (TinyFileSystem disk = TinyFileSystem.mount(data, "640k")) {
      // A sparse partial download of the second layer, as long as the layer and holding no byte
      // of it: the space check counts it as had, so the pull starts; the bytes kept do not verify,
      // the layer is fetched again from the start, and the disk fills.
      ImageFixtures.Layer second = image.layers().get(1);
      Path partial = Files.createDirectories(disk.dir().resolve("store/partial"));
      try (RandomAccessFile file =
          new RandomAccessFile(partial.resolve(second.digest().hex()).toFile(), "rw")) {
        file.setLength(second.gzipped().length);
      }
      run = quayctl(pullArgs(ref, disk.dir()).toArray(String[]::new));
    }

    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(ExitCode.DISK_FULL);
    assertThat(run.err())
        .contains("the disk holding the blob store is full")
        .doesNotContain("retrying")
        .doesNotContain("\tat ");
    assertThat(docker.docker("image", "inspect", ref).exitCode()).isNotZero();
  }

  /** A tmpfs of a few hundred KiB mounted over a directory, to run out of space for real. */
  private record TinyFileSystem(Path dir) implements AutoCloseable {
    /** Mounts it; the test is skipped, saying why, when this process may not mount (not root). */
    static TinyFileSystem mount(Path dir, String size) throws IOException {
      String uid = HostCommand.run(Duration.ofSeconds(10), List.of("id", "-u")).orThrow().strip();
      assumeTrue(
          uid.equals("0"),
          "running out of disk space needs a small tmpfs, and only root may mount one (uid "
              + uid
              + ")");
      HostCommand.run(
              Duration.ofSeconds(10),
              List.of("mount", "-t", "tmpfs", "-o", "size=" + size, "quayctl-test", dir.toString()))
          .orThrow();
      return new TinyFileSystem(dir);
    }

    @Override
    public void close() throws IOException {
      HostCommand.run(Duration.ofSeconds(10), List.of("umount", dir.toString())).orThrow();
    }
  }
}

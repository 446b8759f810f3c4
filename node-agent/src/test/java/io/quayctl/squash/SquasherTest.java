package io.quayctl.squash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quayctl.api.Digest;
import io.quayctl.api.ImageReference;
import io.quayctl.registry.Descriptor;
import io.quayctl.registry.MediaTypes;
import io.quayctl.registry.Platform;
import io.quayctl.registry.ResolvedImage;
import io.quayctl.runtime.rkt.AciImage;
import io.quayctl.store.FileBlobStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SquasherTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ImageReference REF = ImageReference.parse("localhost:5000/team/app:1");

  @TempDir Path dir;

  @Test
  void theSquashedLayerIsTheFilesystemTheLayersBuild() throws Exception {
    FileBlobStore store = FileBlobStore.open(dir.resolve("store"));
    ResolvedImage image =
        image(
            store,
            true,
            layer(
                dir("etc/"),
                file("etc/config", "v1"),
                file("etc/removed", "gone"),
                dir("var/cache/"),
                file("var/cache/a", "a"),
                dir("opaque/"),
                file("opaque/old", "old"),
                dir("becomes-file/"),
                file("becomes-file/child", "hidden"),
                file("bin/tool", "tool"),
                hardLink("bin/tool-link", "bin/tool"),
                file("lib/orig", "original content"),
                hardLink("lib/alias", "lib/orig"),
                symlink("bin/sh", "/bin/busybox")),
            layer(
                file("./etc/config", "v2"),
                file("etc/.wh.removed", ""),
                file("var/.wh.cache", ""),
                file("opaque/.wh..wh..opq", ""),
                file("opaque/new", "new"),
                file("becomes-file", "now a file"),
                file("lib/orig", "replaced")));

    ResolvedImage squashed = new Squasher(store).squash(image, report -> {});

    assertThat(squashed.layers()).hasSize(1);
    assertThat(squashed.reference()).isEqualTo(REF);
    Map<String, String> tree = contents(store, squashed.layers().get(0).digest());
    assertThat(tree)
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry("etc/", "dir"),
                Map.entry("etc/config", "v2"),
                Map.entry("opaque/", "dir"),
                Map.entry("opaque/new", "new"),
                Map.entry("becomes-file", "now a file"),
                Map.entry("bin/tool", "tool"),
                Map.entry("bin/tool-link", "link to bin/tool"),
                // Its target was replaced above it: the link keeps the content it shared.
                Map.entry("lib/alias", "original content"),
                Map.entry("lib/orig", "replaced"),
                Map.entry("bin/sh", "symlink to /bin/busybox")));
  }

  @Test
  void theConfigKeepsTheImageButNamesOneLayerAndTheManifestNamesItsOrigin() throws Exception {
    FileBlobStore store = FileBlobStore.open(dir.resolve("store"));
    ResolvedImage image =
        image(store, false, layer(file("a", "1")), layer(file("b", "2")), layer(file("c", "3")));

    ResolvedImage squashed = new Squasher(store).squash(image, report -> {});

    JsonNode config = JSON.readTree(read(store, squashed.config().digest()));
    byte[] tar = gunzip(read(store, squashed.layers().get(0).digest()));
    assertThat(config.path("rootfs").path("diff_ids"))
        .containsExactly(JSON.getNodeFactory().textNode(Digest.of(tar).toString()));
    assertThat(config.path("history")).hasSize(1);
    assertThat(config.path("history").get(0).path("created_by").asText())
        .isEqualTo("quayctl squash of " + image.manifestDigest());
    assertThat(config.path("config").path("Entrypoint").get(0).asText()).isEqualTo("/app");
    assertThat(config.path("created").asText()).isEqualTo("2026-01-01T00:00:00Z");
    JsonNode manifest = JSON.readTree(squashed.manifestBytes());
    assertThat(manifest.path("annotations").path(Squasher.SQUASHED_FROM).asText())
        .isEqualTo(image.manifestDigest().toString());
    assertThat(squashed.manifestMediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
  }

  @Test
  void everyHostGetsTheSameDigestsAndASecondSquashIsALookup() throws Exception {
    FileBlobStore first = FileBlobStore.open(dir.resolve("one"));
    FileBlobStore second = FileBlobStore.open(dir.resolve("two"));
    List<byte[]> layers =
        List.of(
            layer(dir("d/"), file("d/x", "x".repeat(100_000))),
            layer(file("d/y", "y"), file("d/.wh.x", "")));
    ResolvedImage onFirst = image(first, true, layers.toArray(byte[][]::new));
    ResolvedImage onSecond = image(second, true, layers.toArray(byte[][]::new));

    ResolvedImage a = new Squasher(first).squash(onFirst, report -> {});
    ResolvedImage b = new Squasher(second).squash(onSecond, report -> {});

    assertThat(b.manifestDigest()).isEqualTo(a.manifestDigest());
    assertThat(b.layers()).isEqualTo(a.layers());
    assertThat(new Squasher(first).cached(onFirst).map(ResolvedImage::manifestDigest))
        .contains(a.manifestDigest());
    // Published and parsed elsewhere, the manifest is checked to be this image's.
    assertThat(Squasher.parse(onSecond, a.manifestBytes()).manifestDigest())
        .isEqualTo(a.manifestDigest());
    ResolvedImage other = image(second, true, layer(file("other", "o")));
    assertThatThrownBy(() -> Squasher.parse(other, a.manifestBytes()))
        .hasMessageContaining("is not a squashed form of " + other.manifestDigest());
  }

  @Test
  void anAciOfTheSquashedImageIsTheSameFileEveryTimeAndReadableByAll() throws Exception {
    FileBlobStore store = FileBlobStore.open(dir.resolve("store"));
    ResolvedImage image = image(store, true, layer(dir("app/"), file("app/run", "#!/bin/sh")));
    ResolvedImage squashed = new Squasher(store).squash(image, report -> {});

    AciImage.Written first = AciImage.write(squashed, store, dir.resolve("one.aci"));
    Thread.sleep(1100); // tar times are in seconds: a clock in the archive would show
    AciImage.Written second = AciImage.write(squashed, store, dir.resolve("two.aci"));

    assertThat(second.imageId()).isEqualTo(first.imageId());
    assertThat(Files.readAllBytes(second.file())).isEqualTo(Files.readAllBytes(first.file()));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.file())))
        .isEqualTo("rw-r--r--");
    Path layer = store.find(squashed.layers().get(0).digest()).orElseThrow();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(layer)))
        .isEqualTo("rw-r--r--");
    assertThat(files(dir).stream().map(p -> p.getFileName().toString()))
        .noneMatch(n -> n.endsWith(".tmp"));
  }

  @Test
  void aLayerItCannotReadFailsClearlyAndLeavesNothingBehind() throws Exception {
    FileBlobStore store = FileBlobStore.open(dir.resolve("store"));
    byte[] zstd = {(byte) 0x28, (byte) 0xb5, (byte) 0x2f, (byte) 0xfd, 0, 0, 0, 0};
    ResolvedImage image = image(store, false, layer(file("a", "1")), zstd);
    List<Path> before = files(store.root());

    assertThatThrownBy(() -> new Squasher(store).squash(image, report -> {}))
        .isInstanceOf(UnsupportedLayerException.class)
        .hasMessageContaining("zstd-compressed");

    List<Path> after = files(store.root());
    assertThat(after).isEqualTo(before);
  }

  @Test
  void aNameClimbingOutOfTheRootIsRefused() throws Exception {
    FileBlobStore store = FileBlobStore.open(dir.resolve("store"));
    ResolvedImage image = image(store, true, layer(file("../../etc/passwd", "x")));

    assertThatThrownBy(() -> new Squasher(store).squash(image, report -> {}))
        .hasMessageContaining("climbs out of the root");
  }

  // ---- fixtures ----

  private record Item(TarArchiveEntry entry, byte[] content) {}

  private static Item dir(String name) {
    return new Item(new TarArchiveEntry(name), new byte[0]);
  }

  private static Item file(String name, String content) {
    TarArchiveEntry e = new TarArchiveEntry(name);
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    e.setSize(bytes.length);
    e.setMode(0100644);
    return new Item(e, bytes);
  }

  private static Item hardLink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK);
    e.setLinkName(target);
    return new Item(e, new byte[0]);
  }

  private static Item symlink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
    e.setLinkName(target);
    return new Item(e, new byte[0]);
  }

  private static byte[] layer(Item... items) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      for (Item item : items) {
        tar.putArchiveEntry(item.entry());
        tar.write(item.content());
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  /** An image of {@code layers} in the store (gzipped when asked), with a Docker-style config. */
  private static ResolvedImage image(FileBlobStore store, boolean gzip, byte[]... layers)
      throws IOException {
    List<Descriptor> descriptors = new ArrayList<>();
    ObjectNode config = JSON.createObjectNode();
    config.put("created", "2026-01-01T00:00:00Z");
    config.put("architecture", "amd64");
    config.put("os", "linux");
    config.putObject("config").putArray("Entrypoint").add("/app");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    ArrayNode history = config.putArray("history");
    for (byte[] tar : layers) {
      byte[] blob = gzip ? gzip(tar) : tar;
      Digest digest = Digest.of(blob);
      store.write(digest, new ByteArrayInputStream(blob));
      descriptors.add(
          Descriptor.of(
              gzip ? MediaTypes.DOCKER_LAYER_GZIP : MediaTypes.OCI_LAYER, digest, blob.length));
      diffIds.add(Digest.of(tar).toString());
      history.addObject().put("created_by", "layer " + descriptors.size());
    }
    byte[] configBytes = JSON.writeValueAsBytes(config);
    Digest configDigest = Digest.of(configBytes);
    store.write(configDigest, new ByteArrayInputStream(configBytes));
    byte[] manifest = (configDigest + "/" + descriptors).getBytes(StandardCharsets.UTF_8);
    return new ResolvedImage(
        REF,
        Digest.of(manifest),
        MediaTypes.DOCKER_MANIFEST_V2,
        manifest,
        Descriptor.of(MediaTypes.DOCKER_CONFIG, configDigest, configBytes.length),
        descriptors,
        Platform.parse("linux/amd64"),
        null);
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  private static byte[] gunzip(byte[] data) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
      return in.readAllBytes();
    }
  }

  private static byte[] read(FileBlobStore store, Digest digest) throws IOException {
    try (InputStream in = store.open(digest)) {
      return in.readAllBytes();
    }
  }

  /** Each entry of a gzipped layer: a file's content, or what kind of entry it is. */
  private static Map<String, String> contents(FileBlobStore store, Digest layer)
      throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new ByteArrayInputStream(gunzip(read(store, layer))))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        String value;
        if (e.isDirectory()) {
          value = "dir";
        } else if (e.isSymbolicLink()) {
          value = "symlink to " + e.getLinkName();
        } else if (e.isLink()) {
          value = "link to " + e.getLinkName();
        } else {
          value = new String(tar.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(out.put(e.getName(), value)).as("%s written twice", e.getName()).isNull();
      }
    }
    return out;
  }

  private static List<Path> files(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }
}

package io.quayctl.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RandomImageTest {
  @TempDir Path dir;

  @Test
  void layersAreUncompressedTarsOfIncompressibleBytesWithMatchingDigests() throws Exception {
    RandomImage image = RandomImage.generate(dir, 3 * 1024 * 1024 + 5, 3, 42);
    assertThat(image.layers()).hasSize(3);
    long content = 0;
    for (RandomImage.Blob layer : image.layers()) {
      byte[] bytes = Files.readAllBytes(layer.file());
      assertThat(layer.size()).isEqualTo(bytes.length);
      assertThat(layer.digest()).isEqualTo("sha256:" + sha256(bytes));
      assertThat(layer.mediaType()).isEqualTo("application/vnd.oci.image.layer.v1.tar");
      try (InputStream in = Files.newInputStream(layer.file());
          TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
        TarArchiveEntry entry = tar.getNextEntry();
        byte[] data = tar.readAllBytes();
        assertThat(data).hasSize((int) entry.getSize());
        content += data.length;
        assertThat(deflatedRatio(data)).as("random bytes do not compress").isGreaterThan(0.99);
        assertThat(tar.getNextEntry()).isNull();
      }
    }
    assertThat(content).isEqualTo(3 * 1024 * 1024 + 5);
    assertThat(image.blobDigests())
        .hasSize(4)
        .contains(image.config().digest())
        .containsAll(image.layers().stream().map(RandomImage.Blob::digest).toList());
  }

  @Test
  void manifestAndConfigDescribeTheLayers() throws Exception {
    RandomImage image = RandomImage.generate(dir, 64 * 1024, 2, 7);
    JsonNode manifest = new ObjectMapper().readTree(image.manifest());
    assertThat(manifest.get("mediaType").asText()).isEqualTo(RandomImage.MANIFEST_TYPE);
    assertThat(manifest.get("layers")).hasSize(2);
    assertThat(manifest.get("layers").get(1).get("digest").asText())
        .isEqualTo(image.layers().get(1).digest());
    JsonNode config = new ObjectMapper().readTree(image.config().file().toFile());
    assertThat(config.get("rootfs").get("diff_ids").get(0).asText())
        .as("uncompressed: the diff id is the blob digest")
        .isEqualTo(image.layers().get(0).digest());
    assertThat(image.manifestDigest()).isEqualTo("sha256:" + sha256(image.manifest()));
  }

  @Test
  void seedsGiveDifferentImages() throws Exception {
    RandomImage a = RandomImage.generate(dir.resolve("a"), 64 * 1024, 1, 1);
    RandomImage b = RandomImage.generate(dir.resolve("b"), 64 * 1024, 1, 2);
    assertThat(a.layers().get(0).digest()).isNotEqualTo(b.layers().get(0).digest());
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static double deflatedRatio(byte[] data) {
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
    d.setInput(data);
    d.finish();
    byte[] out = new byte[data.length + 1024];
    int n = 0;
    while (!d.finished()) {
      n += d.deflate(out, n, out.length - n);
    }
    return (double) n / data.length;
  }
}

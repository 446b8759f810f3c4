package io.quayctl.squash.bench;

import io.quayctl.api.Digest;
import io.quayctl.api.ImageReference;
import io.quayctl.registry.Descriptor;
import io.quayctl.registry.MediaTypes;
import io.quayctl.registry.Platform;
import io.quayctl.registry.ResolvedImage;
import io.quayctl.squash.Squasher;
import io.quayctl.store.FileBlobStore;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * How fast an image squashes: L gzipped layers of S/L bytes each (files of 4 MiB of random bytes,
 * half of each layer's files overwriting or deleting the layer below's), squashed once; prints
 * input and output sizes, seconds, MB/s of input and the JVM's peak RSS.
 *
 * <p>Run: {@code java -cp <test classpath> io.quayctl.squash.bench.SquashThroughput [MiB]
 * [layers]}.
 */
public final class SquashThroughput {
  private static final int FILE = 4 << 20;

  private SquashThroughput() {}

  public static void main(String[] args) throws Exception {
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
    int layers = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    Path dir = Files.createTempDirectory("quayctl-squash-bench");
    try {
      FileBlobStore store = FileBlobStore.open(dir.resolve("store"));
      ResolvedImage image = image(store, dir, (long) mib << 20, layers);
      long started = System.nanoTime();
      Squasher.Report[] report = new Squasher.Report[1];
      new Squasher(store).squash(image, r -> report[0] = r);
      double seconds = (System.nanoTime() - started) / 1e9;
      long in = report[0].inputBytes();
      System.out.printf(
          Locale.ROOT,
          "squashed %d layers, %.0f MiB in -> %.0f MiB out (%d of %d entries kept) in %.1f s:"
              + " %.0f MB/s of input, peak RSS %s%n",
          layers,
          in / 1048576.0,
          report[0].layerBytes() / 1048576.0,
          report[0].entriesKept(),
          report[0].entriesRead(),
          seconds,
          in / 1e6 / seconds,
          peakRss());
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static ResolvedImage image(FileBlobStore store, Path dir, long bytes, int layers)
      throws IOException {
    Random random = new Random(1);
    byte[] data = new byte[FILE];
    int filesPerLayer = (int) Math.max(1, bytes / layers / FILE);
    List<Descriptor> descriptors = new ArrayList<>();
    StringBuilder diffIds = new StringBuilder();
    for (int l = 0; l < layers; l++) {
      Path raw = dir.resolve("layer-" + l);
      MessageDigest tarDigest = Digest.newSha256();
      MessageDigest gzDigest = Digest.newSha256();
      try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(raw), 1 << 16);
          DigestOutputStream gz = new DigestOutputStream(file, gzDigest);
          GZIPOutputStream gzip = new GZIPOutputStream(gz, 1 << 16);
          DigestOutputStream tarBytes = new DigestOutputStream(gzip, tarDigest);
          TarArchiveOutputStream tar = new TarArchiveOutputStream(tarBytes)) {
        for (int f = 0; f < filesPerLayer; f++) {
          // Even files are rewritten by every layer; odd ones are new in each.
          String name = f % 2 == 0 ? "data/shared-" + f : "data/l" + l + "-" + f;
          random.nextBytes(data);
          TarArchiveEntry e = new TarArchiveEntry(name);
          e.setSize(data.length);
          tar.putArchiveEntry(e);
          tar.write(data);
          tar.closeArchiveEntry();
        }
        if (l > 0) {
          TarArchiveEntry wh = new TarArchiveEntry("data/.wh.l" + (l - 1) + "-1");
          tar.putArchiveEntry(wh);
          tar.closeArchiveEntry();
        }
      }
      Digest digest = Digest.fromSha256(gzDigest.digest());
      long size = Files.size(raw);
      store.commit(digest, raw);
      descriptors.add(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, digest, size));
      diffIds
          .append(diffIds.length() == 0 ? "" : ",")
          .append('"')
          .append(Digest.fromSha256(tarDigest.digest()))
          .append('"');
    }
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":["
                + diffIds
                + "]}}")
            .getBytes(StandardCharsets.UTF_8);
    Digest configDigest = Digest.of(config);
    store.write(configDigest, new ByteArrayInputStream(config));
    byte[] manifest = ("bench " + configDigest).getBytes(StandardCharsets.UTF_8);
    return new ResolvedImage(
        ImageReference.parse("localhost:5000/bench/squash:1"),
        Digest.of(manifest),
        MediaTypes.OCI_MANIFEST,
        manifest,
        Descriptor.of(MediaTypes.OCI_CONFIG, configDigest, config.length),
        descriptors,
        Platform.parse("linux/amd64"),
        null);
  }

  private static String peakRss() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return line.substring("VmHWM:".length()).trim();
      }
    }
    return "unknown";
  }
}

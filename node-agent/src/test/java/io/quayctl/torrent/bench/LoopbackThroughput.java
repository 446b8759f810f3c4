package io.quayctl.torrent.bench;

import io.quayctl.api.Digest;
import io.quayctl.store.BlobStore;
import io.quayctl.store.FileBlobStore;
import io.quayctl.torrent.DownloadRequest;
import io.quayctl.torrent.EngineConfig;
import io.quayctl.torrent.LibtorrentEngine;
import io.quayctl.torrent.Metainfo;
import io.quayctl.torrent.TransferStats;
import io.quayctl.tracker.TrackerServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Loopback throughput between two processes: this JVM seeds a blob (default 1 GiB) with the
 * in-process tracker, a child JVM downloads it into its own store and reports MB/s and its RSS.
 *
 * <p>Run: {@code java -cp <test classpath> io.quayctl.torrent.bench.LoopbackThroughput [MiB]}.
 */
public final class LoopbackThroughput {
  private LoopbackThroughput() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("download")) {
      download(Path.of(args[1]), Digest.parse(args[2]), URI.create(args[3]), Path.of(args[4]));
      return;
    }
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
    Path dir = Files.createTempDirectory("quayctl-bench");
    try {
      run(dir, mib);
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void run(Path dir, int mib) throws Exception {
    BlobStore seedStore = FileBlobStore.open(dir.resolve("seeder"));
    long t0 = System.nanoTime();
    Path raw = dir.resolve("raw");
    Digest digest = writeRandom(raw, (long) mib << 20);
    Path blob = seedStore.commit(digest, raw);
    long t1 = System.nanoTime();
    Metainfo metainfo = Metainfo.create(digest, blob);
    long t2 = System.nanoTime();
    System.out.printf(
        "blob %d MiB written+sha256 in %.1f s; metainfo (%d pieces of %d KiB) in %.1f s%n",
        mib,
        (t1 - t0) / 1e9,
        metainfo.pieceCount(),
        metainfo.pieceLength() / 1024,
        (t2 - t1) / 1e9);
    Path torrent = Files.write(dir.resolve("blob.torrent"), metainfo.bytes());
    try (TrackerServer tracker = TrackerServer.builder().build();
        LibtorrentEngine seeder =
            new LibtorrentEngine(
                EngineConfig.loopback(dir.resolve("seeder-resume")),
                seedStore,
                Clock.systemUTC())) {
      tracker.start();
      seeder.start();
      seeder.seed(blob, metainfo, List.of(URI.create(tracker.announceUrl())));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process child =
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  LoopbackThroughput.class.getName(),
                  "download",
                  torrent.toString(),
                  digest.toString(),
                  tracker.announceUrl(),
                  dir.resolve("downloader").toString())
              .inheritIO()
              .start();
      if (!child.waitFor(10, TimeUnit.MINUTES) || child.exitValue() != 0) {
        child.destroyForcibly();
        throw new IllegalStateException("downloader failed");
      }
      TransferStats s = seeder.stats(digest).orElseThrow();
      System.out.printf("seeder uploaded %d bytes%n", s.uploaded());
    }
  }

  private static void download(Path torrent, Digest digest, URI tracker, Path storeDir)
      throws Exception {
    BlobStore store = FileBlobStore.open(storeDir.resolve("store"));
    Metainfo metainfo = Metainfo.parse(digest, Files.readAllBytes(torrent));
    try (LibtorrentEngine engine =
        new LibtorrentEngine(
            EngineConfig.loopback(storeDir.resolve("resume")), store, Clock.systemUTC())) {
      engine.start();
      long start = System.nanoTime();
      var download =
          engine.download(
              DownloadRequest.of(metainfo, List.of(tracker))
                  .withSeedWhenDone(false)
                  .withTimeout(Duration.ofMinutes(9)));
      long transferredAt = 0;
      while (!download.completion().isDone()) {
        Thread.sleep(50);
        if (transferredAt == 0) {
          var st = engine.stats(digest);
          if (st.isPresent() && st.get().state() == TransferStats.State.VERIFYING) {
            transferredAt = System.nanoTime();
          }
        }
      }
      Path result = download.completion().get();
      long end = System.nanoTime();
      double mb = metainfo.length() / 1e6;
      double transfer = ((transferredAt == 0 ? end : transferredAt) - start) / 1e9;
      double total = (end - start) / 1e9;
      System.out.printf(
          "downloader: %.0f MB in %.1f s transfer = %.0f MB/s; %.1f s with sha256 verify and"
              + " commit = %.0f MB/s; %s%n",
          mb, transfer, mb / transfer, total, mb / total, result);
      System.out.println("downloader " + memory());
    }
  }

  private static Digest writeRandom(Path file, long size) throws IOException {
    MessageDigest sha = Digest.newSha256();
    SplittableRandom random = new SplittableRandom(1);
    ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long done = 0; done < size; done += buf.capacity()) {
        buf.clear();
        while (buf.hasRemaining()) {
          buf.putLong(random.nextLong());
        }
        int n = (int) Math.min(buf.capacity(), size - done);
        out.write(buf.array(), 0, n);
        sha.update(buf.array(), 0, n);
      }
    }
    return Digest.fromSha256(sha.digest());
  }

  private static String memory() throws IOException {
    StringBuilder sb = new StringBuilder();
    try (InputStream in = Files.newInputStream(Path.of("/proc/self/status"))) {
      for (String line : new String(in.readAllBytes()).split("\n")) {
        if (line.startsWith("VmRSS") || line.startsWith("VmHWM")) {
          sb.append(line.replaceAll("\\s+", " ")).append("; ");
        }
      }
    }
    return sb.toString();
  }
}

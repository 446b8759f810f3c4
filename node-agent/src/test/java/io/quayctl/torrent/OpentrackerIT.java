package io.quayctl.torrent;

import static org.assertj.core.api.Assertions.assertThat;

import io.quayctl.store.BlobStore;
import io.quayctl.store.FileBlobStore;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Engines find each other through Debian's opentracker instead of the built-in tracker. */
class OpentrackerIT {
  @TempDir Path tmp;

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void peersMeetThroughOpentracker() throws Exception {
    BlobStore storeA = FileBlobStore.open(tmp.resolve("a/store"));
    TestBlob blob = TestBlob.create(storeA, 2 * 1024 * 1024 + 3, 20);

    // Debian's opentracker serves whitelisted infohashes only; the whitelist path is inside the
    // directory it chroots to, which its unprivileged user must be able to read.
    Path root = Files.createDirectories(tmp.resolve("opentracker"));
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(root.resolve("access.whitelist"), blob.metainfo().infoHash().hex() + "\n");
    int port = freePort();
    Process opentracker =
        new ProcessBuilder(
                "opentracker",
                "-i",
                "127.0.0.1",
                "-p",
                String.valueOf(port),
                "-P",
                String.valueOf(port),
                "-d",
                root.toString(),
                "-w",
                "/access.whitelist")
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("opentracker.log").toFile())
            .start();
    try {
      URI announce = URI.create("http://127.0.0.1:" + port + "/announce");
      awaitListening(URI.create("http://127.0.0.1:" + port + "/stats"));
      try (LibtorrentEngine a =
              new LibtorrentEngine(
                  EngineConfig.loopback(tmp.resolve("a/resume")), storeA, Clock.systemUTC());
          LibtorrentEngine b =
              new LibtorrentEngine(
                  EngineConfig.loopback(tmp.resolve("b/resume")),
                  FileBlobStore.open(tmp.resolve("b/store")),
                  Clock.systemUTC())) {
        a.start();
        b.start();
        a.seed(blob.path(), blob.metainfo(), List.of(announce));
        Thread.sleep(500); // let the seeder's first announce land
        Path result =
            b.download(DownloadRequest.of(blob.metainfo(), List.of(announce)))
                .completion()
                .get(60, TimeUnit.SECONDS);
        assertThat(Files.readAllBytes(result)).isEqualTo(blob.content());
      }
    } finally {
      opentracker.destroy();
      opentracker.waitFor(5, TimeUnit.SECONDS);
    }
  }

  private static void awaitListening(URI uri) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        c.getResponseCode();
        c.disconnect();
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IOException("opentracker did not start listening on " + uri, e);
        }
        Thread.sleep(100);
      }
    }
  }
}

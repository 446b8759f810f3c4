package io.quayctl.torrent;

import static org.assertj.core.api.Assertions.assertThat;

import io.quayctl.api.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.libtorrent4j.TorrentInfo;

/**
 * Two hosts holding the same blob must compute the same infohash: checked across two JVMs with the
 * blob at different paths and timestamps, and against libtorrent's and aria2's readings.
 */
class InfoHashAcrossProcessesIT {
  @TempDir Path tmp;

  private static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  private static String inChildJvm(Digest digest, Path blob) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return run(List.of(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            PrintInfoHash.class.getName(),
            digest.toString(),
            blob.toString()))
        .strip();
  }

  @Test
  void sameBlobSameInfohashInTwoProcesses() throws Exception {
    byte[] content = new byte[5 * 1024 * 1024 + 17];
    new Random(42).nextBytes(content);
    Digest digest = Digest.of(content);
    Path onA = Files.write(Files.createDirectories(tmp.resolve("host-a")).resolve("blob"), content);
    Path onB =
        Files.write(
            Files.createDirectories(tmp.resolve("host-b/x")).resolve(digest.hex()), content);
    Files.setLastModifiedTime(onB, FileTime.fromMillis(86_400_000L));

    String a = inChildJvm(digest, onA);
    String b = inChildJvm(digest, onB);
    Metainfo here = Metainfo.create(digest, onA);
    assertThat(a).isEqualTo(b).startsWith(here.infoHash().hex() + " ");

    // libtorrent reads the same infohash from the bytes.
    NativeLibrary.load();
    TorrentInfo ti = new TorrentInfo(here.bytes());
    assertThat(ti.infoHash().toHex()).isEqualTo(here.infoHash().hex());
    assertThat(ti.isPrivate()).isTrue();
    assertThat(ti.name()).isEqualTo(digest.hex());

    // So does aria2, an independent implementation.
    Path torrent = Files.write(tmp.resolve("blob.torrent"), here.bytes());
    String shown = run(List.of("aria2c", "--show-files=true", torrent.toString()));
    Matcher m = Pattern.compile("Info Hash: ([0-9a-f]{40})").matcher(shown);
    assertThat(m.find()).as(shown).isTrue();
    assertThat(m.group(1)).isEqualTo(here.infoHash().hex());
  }
}

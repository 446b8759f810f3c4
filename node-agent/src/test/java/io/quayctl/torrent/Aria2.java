package io.quayctl.torrent;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Debian's {@code aria2c} as a BitTorrent peer for interoperability tests. */
final class Aria2 implements AutoCloseable {
  private final Process process;
  private final Path log;
  final int port;

  private Aria2(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Seeds {@code dir}/{@code <name>} for {@code torrent} without verifying it (so a modified file
   * makes a corrupt peer), announcing to {@code tracker}.
   */
  static Aria2 seed(Path torrent, Path dir, String tracker) throws IOException {
    return seed(torrent, dir, tracker, "127.0.0.1");
  }

  /**
   * Like {@link #seed(Path, Path, String)}, with every socket bound to {@code address} (another
   * loopback address stands for another host: libtorrent's ban of a corrupt peer reaches every peer
   * at its IP).
   */
  static Aria2 seed(Path torrent, Path dir, String tracker, String address) throws IOException {
    return start(
        dir,
        List.of(
            "--interface=" + address,
            "--bt-seed-unverified=true",
            "--check-integrity=false",
            "--seed-ratio=0.0",
            "--bt-tracker=" + tracker,
            torrent.toString()));
  }

  /**
   * Downloads {@code torrent} into {@code dir}, announcing to {@code tracker} (null: the trackers
   * the metainfo names), and exits.
   */
  static Aria2 download(Path torrent, Path dir, String tracker) throws IOException {
    List<String> args = new ArrayList<>(List.of("--seed-time=0", "--bt-stop-timeout=60"));
    if (tracker != null) {
      args.add("--bt-tracker=" + tracker);
    }
    args.add(torrent.toString());
    return start(dir, args);
  }

  private static Aria2 start(Path dir, List<String> args) throws IOException {
    int port = freePort();
    List<String> cmd = new ArrayList<>();
    cmd.add("aria2c");
    cmd.add("--dir=" + dir);
    cmd.add("--listen-port=" + port);
    cmd.add("--enable-dht=false");
    cmd.add("--enable-dht6=false");
    cmd.add("--bt-enable-lpd=false");
    cmd.add("--enable-peer-exchange=false");
    cmd.add("--console-log-level=warn");
    cmd.add("--summary-interval=0");
    cmd.add("--no-conf=true");
    cmd.add("--file-allocation=none");
    cmd.add("--bt-tracker-interval=2");
    cmd.addAll(args);
    Path log = Files.createTempFile(dir.getParent(), "aria2c", ".log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new Aria2(p, log, port);
  }

  /** Waits for the process to exit; returns its exit code. */
  int waitFor(long seconds) throws InterruptedException, IOException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new IOException("aria2c did not finish within " + seconds + " s:\n" + output());
    }
    return process.exitValue();
  }

  String output() throws IOException {
    return Files.readString(log);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}

package io.quayctl.testing;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** A daemon process started by a test, with its log file and private directory. */
final class DaemonProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path dir;
  private final Path log;

  private DaemonProcess(String name, Process process, Path dir, Path log) {
    this.name = name;
    this.process = process;
    this.dir = dir;
    this.log = log;
  }

  /** Starts {@code command} with its output in {@code dir/daemon.log}. */
  static DaemonProcess start(String name, Path dir, List<String> command) throws IOException {
    Path log = dir.resolve("daemon.log");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    return new DaemonProcess(name, process, dir, log);
  }

  /** Waits until {@code ready} holds, failing with the log's tail if the daemon dies or hangs. */
  void awaitReady(BooleanSupplier ready, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(name + " exited with " + process.exitValue() + ":\n" + logTail());
      }
      if (ready.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException();
      }
    }
    throw new IOException(name + " not ready after " + timeout + ":\n" + logTail());
  }

  /** The last lines of the daemon's log. */
  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Stops the daemon: SIGTERM, SIGKILL after 20 s; then any child it left behind. */
  void stop() {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      for (ProcessHandle child : children) {
        if (child.isAlive()) {
          child.destroy();
          try {
            child.onExit().get(5, TimeUnit.SECONDS);
          } catch (TimeoutException | ExecutionException e) {
            child.destroyForcibly();
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
    FileTrees.delete(dir);
  }
}

package io.quayctl.testing;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** A daemon process started by a test, with its log file and, when it owns one, its directory. */
final class DaemonProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path ownedDir;
  private final Path log;

  private DaemonProcess(String name, Process process, Path ownedDir, Path log) {
    this.name = name;
    this.process = process;
    this.ownedDir = ownedDir;
    this.log = log;
  }

  /**
   * Starts {@code command} with its output in {@code dir/daemon.log}; closing deletes {@code dir}.
   */
  static DaemonProcess start(String name, Path dir, List<String> command) throws IOException {
    return start(name, command, dir.resolve("daemon.log"), dir);
  }

  /** Starts {@code command} with its output in {@code log}, which closing leaves in place. */
  static DaemonProcess startLoggingTo(String name, Path log, List<String> command)
      throws IOException {
    return start(name, command, log, null);
  }

  private static DaemonProcess start(String name, List<String> command, Path log, Path ownedDir)
      throws IOException {
    Files.createDirectories(log.getParent());
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    return new DaemonProcess(name, process, ownedDir, log);
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
    return LogFiles.tail(log, 30);
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
    if (ownedDir != null) {
      FileTrees.delete(ownedDir);
    }
  }
}

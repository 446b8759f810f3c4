package io.quayctl.e2e;

import io.quayctl.testing.LogFiles;
import io.quayctl.testing.TestNetwork;
import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A daemon running inside one host's network namespace ({@code nsenter --net}, which keeps the
 * machine's mounts and cgroups visible, unlike {@code ip netns exec}), with its output in a log
 * file.
 */
public final class HostProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;

  private HostProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command} in {@code host} with {@code env} added, logging to {@code log}. */
  public static HostProcess start(
      String name, TestNetwork.Host host, List<String> command, Map<String, String> env, Path log)
      throws IOException {
    Files.createDirectories(log.getParent());
    List<String> full = new ArrayList<>(host.command(List.of()));
    full.addAll(command);
    ProcessBuilder builder =
        new ProcessBuilder(full)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().putAll(env);
    return new HostProcess(name, builder.start(), log);
  }

  /** The process's name in messages. */
  public String name() {
    return name;
  }

  /** Whether it still runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Its pid (nsenter execs the command, so this is the daemon's own pid). */
  public long pid() {
    return process.pid();
  }

  /** The log file. */
  public Path log() {
    return log;
  }

  /** Waits until {@code ready} holds; fails with the log's tail if the process dies or hangs. */
  public void awaitReady(BooleanSupplier ready, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            name + " exited with " + process.exitValue() + "; log " + log + ":\n" + logTail(40));
      }
      if (ready.getAsBoolean()) {
        return;
      }
      sleep(Duration.ofMillis(100));
    }
    throw new IOException(
        name + " not ready after " + timeout + "; log " + log + ":\n" + logTail(40));
  }

  /** The last {@code lines} lines of the log. */
  public String logTail(int lines) {
    return LogFiles.tail(log, lines);
  }

  /** SIGKILL, as a crash or an OOM kill would end it; waits until it is gone. */
  public void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM, SIGKILL after {@code grace}. */
  public void stop(Duration grace) {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(10));
  }

  static void sleep(Duration d) throws InterruptedIOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException();
    }
  }
}

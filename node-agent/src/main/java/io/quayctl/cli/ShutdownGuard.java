package io.quayctl.cli;

import io.quayctl.store.TempFiles;
import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * Stops a transfer cleanly when the process is asked to stop (SIGTERM, SIGINT): closes the torrent
 * engine, which writes fast-resume data of unfinished downloads, prints one line and exits with
 * {@link ExitCode#INTERRUPTED}, or {@link ExitCode#OK} once the command only had seeding left to
 * do.
 */
final class ShutdownGuard implements AutoCloseable {
  private static volatile boolean stopping;

  private final Thread hook;
  private volatile Supplier<String> stopMessage;
  private volatile boolean done;

  private ShutdownGuard(TorrentSetup setup, PrintStream err, String interruptedMessage) {
    this.stopMessage = null;
    this.hook =
        new Thread(
            () -> {
              if (done) {
                return;
              }
              stopping = true;
              String seeding = null;
              if (stopMessage != null) {
                try {
                  seeding = stopMessage.get();
                } catch (RuntimeException e) {
                  seeding = "quayctl: stopped seeding";
                }
              }
              setup.close();
              TempFiles.deleteAll();
              err.println(seeding != null ? seeding : "quayctl: " + interruptedMessage);
              err.flush();
              System.out.flush();
              // Skip the command's own unwinding: it would only report the engine as closed.
              Runtime.getRuntime().halt(seeding != null ? ExitCode.OK : ExitCode.INTERRUPTED);
            },
            "quayctl-shutdown");
  }

  /**
   * Guards {@code setup} until {@link #close()}; {@code interruptedMessage} explains what stays.
   */
  static ShutdownGuard install(TorrentSetup setup, PrintStream err, String interruptedMessage) {
    ShutdownGuard guard = new ShutdownGuard(setup, err, interruptedMessage);
    Runtime.getRuntime().addShutdownHook(guard.hook);
    return guard;
  }

  /** From now on a stop request is the normal end (seeding): exit 0 with {@code message}. */
  void stoppingIsNormal(Supplier<String> message) {
    this.stopMessage = message;
  }

  /** Whether the process is shutting down on a signal (errors then are its consequence). */
  static boolean stopping() {
    return stopping;
  }

  @Override
  public void close() {
    done = true;
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook is running or has run.
    }
  }
}

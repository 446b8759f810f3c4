package io.quayctl.cli;

import io.quayctl.distribution.NotEnoughSpaceException;
import io.quayctl.registry.RegistryException;
import io.quayctl.runtime.RuntimeUnavailableException;
import io.quayctl.squash.UnsupportedLayerException;
import io.quayctl.store.DigestMismatchException;
import io.quayctl.store.DiskFull;
import io.quayctl.torrent.TorrentDownloadException;
import java.io.InterruptedIOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Turns failures into one clear line on stderr and a documented exit code; no stack traces. */
public final class Errors implements IExecutionExceptionHandler {
  private final boolean debug;

  /** With {@code debug}, stack traces are printed as well. */
  public Errors(boolean debug) {
    this.debug = debug;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parseResult) {
    if (ShutdownGuard.stopping()) {
      // A signal closed the engine underneath the command; the shutdown hook reports it.
      return ExitCode.INTERRUPTED;
    }
    if (debug) {
      e.printStackTrace(cmd.getErr());
    }
    cmd.getErr().println("quayctl: error: " + message(e));
    return exitCode(e);
  }

  /** The exit code for an exception, see {@link ExitCode}. */
  public static int exitCode(Throwable e) {
    // First: a full disk surfaces inside registry and torrent failures too, and is none of theirs.
    // Too little space found before the download is the same fault, caught earlier.
    if (DiskFull.causes(e) || e instanceof NotEnoughSpaceException) {
      return ExitCode.DISK_FULL;
    }
    if (e instanceof RegistryException r) {
      return switch (r.kind()) {
        case NOT_FOUND -> ExitCode.NOT_FOUND;
        case UNAUTHORIZED -> ExitCode.ACCESS_DENIED;
        case UNREACHABLE -> ExitCode.UNREACHABLE;
        case UNSUPPORTED -> ExitCode.UNSUPPORTED;
        case PROTOCOL -> ExitCode.ERROR;
      };
    }
    if (e instanceof DigestMismatchException) {
      return ExitCode.VERIFICATION_FAILED;
    }
    if (e instanceof RuntimeUnavailableException) {
      return ExitCode.RUNTIME_UNAVAILABLE;
    }
    if (e instanceof TorrentDownloadException) {
      return ExitCode.UNREACHABLE;
    }
    if (e instanceof InterruptedIOException || e instanceof InterruptedException) {
      return ExitCode.INTERRUPTED;
    }
    if (e instanceof UnsupportedOperationException || e instanceof UnsupportedLayerException) {
      return ExitCode.UNSUPPORTED;
    }
    if (e instanceof IllegalArgumentException) {
      return ExitCode.USAGE;
    }
    return ExitCode.ERROR;
  }

  private static String message(Throwable e) {
    if (e instanceof OutputFiles.WriteException) {
      return e.getMessage();
    }
    if (DiskFull.causes(e)) {
      return "the disk holding the blob store is full (" + e.getMessage() + ")";
    }
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      Throwable cause = e.getCause();
      String what =
          e instanceof java.net.ConnectException
              ? "connection refused"
              : e.getClass().getSimpleName();
      return cause == null || cause == e ? what : what + ": " + message(cause);
    }
    return m;
  }
}

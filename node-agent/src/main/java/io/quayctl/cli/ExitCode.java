package io.quayctl.cli;

import picocli.CommandLine.Command;

/** Exit codes of {@code quayctl}, documented in the README. */
public final class ExitCode {
  /** Success. */
  public static final int OK = 0;

  /** An error not covered below. */
  public static final int ERROR = 1;

  /** Bad command line or bad input (picocli's usage errors use this too). */
  public static final int USAGE = 2;

  /** The image, tag or blob does not exist in the registry or index. */
  public static final int NOT_FOUND = 3;

  /** The registry refused the credentials, or there were none. */
  public static final int ACCESS_DENIED = 4;

  /** Neither the registry, the index nor any peer could be reached in time. */
  public static final int UNREACHABLE = 5;

  /** The container runtime's daemon could not be reached. */
  public static final int RUNTIME_UNAVAILABLE = 6;

  /** Downloaded content did not match its digest; nothing was imported. */
  public static final int VERIFICATION_FAILED = 7;

  /** The disk holding the blob store is full. */
  public static final int DISK_FULL = 8;

  /** The image format is not supported (schema 1, unsupported option). */
  public static final int UNSUPPORTED = 9;

  /** Interrupted by SIGINT/SIGTERM; partial downloads are kept for the next run. */
  public static final int INTERRUPTED = 130;

  private ExitCode() {}

  /**
   * Lists the codes above under "Exit codes:" in the help of the commands that mix it in (pull,
   * seed); keep it, and the README's list, in step with them.
   */
  @Command(
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {
        OK + ":success",
        ERROR + ":other error",
        USAGE + ":bad command line or input",
        NOT_FOUND + ":image or blob not found",
        ACCESS_DENIED + ":access denied",
        UNREACHABLE + ":registry, index or peers unreachable in time",
        RUNTIME_UNAVAILABLE + ":container runtime unreachable",
        VERIFICATION_FAILED + ":content did not match its digest (nothing imported)",
        DISK_FULL + ":disk full, or too little free space for the missing blobs",
        UNSUPPORTED + ":unsupported (schema 1 manifest, zstd layer to squash)",
        INTERRUPTED + ":interrupted; partial downloads are kept for the next run",
      })
  public static final class Help {}
}

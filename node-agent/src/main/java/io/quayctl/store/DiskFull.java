package io.quayctl.store;

import java.io.IOException;

/** Recognises a full disk in whatever wrapped it: a registry fetch, a torrent write, an import. */
public final class DiskFull {
  private DiskFull() {}

  /** Whether {@code e} or one of its causes is the filesystem's "No space left on device". */
  public static boolean causes(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (t instanceof IOException && m != null && m.contains("No space left on device")) {
        return true;
      }
    }
    return false;
  }
}

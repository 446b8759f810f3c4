package io.quayctl.distribution;

import java.util.Locale;

/** Byte counts as people read them, in the binary units the CLI and the agent show. */
public final class HumanBytes {
  private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB"};

  private HumanBytes() {}

  /** {@code 512 B}, {@code 1.5 MiB}, {@code 1.2 GiB}. */
  public static String format(long n) {
    if (n < 1024) {
      return n + " B";
    }
    double v = n;
    int i = -1;
    while (v >= 1024 && i < UNITS.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, UNITS[i]);
  }
}

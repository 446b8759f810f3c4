package io.quayctl.e2e.bench;

import java.util.Locale;

/**
 * A link rate as {@code tc} writes it ({@code 200mbit}, {@code 1gbit}, {@code 25mbps} = megabytes
 * per second), with its value in bits per second.
 *
 * @param tc the text handed to {@code tc}
 * @param bitsPerSecond the rate in bits per second
 */
public record Rate(String tc, double bitsPerSecond) {
  private static final String[][] UNITS = {
    {"gbit", "1e9"},
    {"mbit", "1e6"},
    {"kbit", "1e3"},
    {"gbps", "8e9"},
    {"mbps", "8e6"},
    {"kbps", "8e3"},
    {"bit", "1"},
    {"bps", "8"},
  };

  /** Parses {@code text}; fails on anything {@code tc} would not read the same way. */
  public static Rate parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    for (String[] unit : UNITS) {
      if (t.endsWith(unit[0])) {
        String number = t.substring(0, t.length() - unit[0].length());
        try {
          double value = Double.parseDouble(number);
          if (value > 0) {
            return new Rate(t, value * Double.parseDouble(unit[1]));
          }
        } catch (NumberFormatException e) {
          break;
        }
      }
    }
    throw new IllegalArgumentException(
        "\"" + text + "\" is not a rate like 200mbit, 1gbit or 25mbps (bytes/s)");
  }

  /** Seconds {@code bytes} take at this rate. */
  public double seconds(long bytes) {
    return bytes * 8.0 / bitsPerSecond;
  }

  /** Bytes per second. */
  public double bytesPerSecond() {
    return bitsPerSecond / 8.0;
  }

  @Override
  public String toString() {
    return tc;
  }
}

package io.quayctl.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses durations as the original quayctl did (Go style): {@code 10m}, {@code 1h30m}, {@code 45s},
 * {@code 0}.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|h|m|s)");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /** Parses a Go-style duration; {@code 0} means none. */
  public static Duration parse(String value) {
    String text = value.strip();
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(text);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
              });
      end = m.end();
    }
    if (end == 0 || end != text.length()) {
      throw new TypeConversionException(
          "invalid duration '" + value + "': use forms like 90s, 10m, 1h30m or 0");
    }
    return total;
  }
}

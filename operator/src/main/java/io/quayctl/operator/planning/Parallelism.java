package io.quayctl.operator.planning;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns {@code spec.parallelism} into how many nodes may pull at once. */
public final class Parallelism {
  private static final Pattern PERCENT = Pattern.compile("^([0-9]+)%$");

  private Parallelism() {}

  /**
   * The number of nodes that may pull at once out of {@code desired}: all of them when unset, the
   * integer as given, or the percentage of {@code desired} rounded up; never less than one.
   *
   * @throws IllegalArgumentException for zero, negative or malformed values
   */
  public static int limit(IntOrString parallelism, int desired) {
    int all = Math.max(desired, 1);
    if (parallelism == null
        || (parallelism.getIntVal() == null && parallelism.getStrVal() == null)) {
      return all;
    }
    if (parallelism.getIntVal() != null) {
      int n = parallelism.getIntVal();
      if (n < 1) {
        throw new IllegalArgumentException("parallelism must be at least 1, is " + n);
      }
      return n;
    }
    String text = parallelism.getStrVal().strip();
    Matcher m = PERCENT.matcher(text);
    if (!m.matches()) {
      if (text.matches("^[0-9]+$")) {
        return limit(new IntOrString(Integer.parseInt(text)), desired);
      }
      throw new IllegalArgumentException(
          "parallelism \"" + text + "\" is neither a number nor a percentage such as 25%");
    }
    long percent = Long.parseLong(m.group(1));
    if (percent < 1) {
      throw new IllegalArgumentException("parallelism must be more than 0%");
    }
    long n = (desired * percent + 99) / 100;
    return (int) Math.max(1, Math.min(n, all));
  }
}

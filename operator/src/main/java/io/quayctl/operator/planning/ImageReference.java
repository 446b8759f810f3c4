package io.quayctl.operator.planning;

import java.util.regex.Pattern;

/**
 * Checks that an image reference is well formed before any node is asked to pull it; the agents
 * normalise and resolve it. Grammar: {@code [host[:port]/]path[:tag][@algo:hex]}.
 */
public final class ImageReference {
  private static final Pattern HOST =
      Pattern.compile(
          "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
              + "|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?");
  private static final Pattern PATH_COMPONENT =
      Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern DIGEST =
      Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-f]{32,}");

  private ImageReference() {}

  /** Throws {@link IllegalArgumentException} saying what is wrong with {@code text}. */
  public static void validate(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("image reference is empty");
    }
    if (!text.equals(text.strip())) {
      throw new IllegalArgumentException("image reference has leading or trailing whitespace");
    }
    String rest = text;
    int at = rest.indexOf('@');
    if (at >= 0) {
      String digest = rest.substring(at + 1);
      if (!DIGEST.matcher(digest).matches()) {
        throw new IllegalArgumentException("\"" + digest + "\" is not a digest (algorithm:hex)");
      }
      rest = rest.substring(0, at);
    }
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      String tag = rest.substring(colon + 1);
      if (!TAG.matcher(tag).matches()) {
        throw new IllegalArgumentException(
            "tag \"" + tag + "\" must be 1-128 of [A-Za-z0-9_.-], not starting with . or -");
      }
      rest = rest.substring(0, colon);
    }
    int slash = rest.indexOf('/');
    String first = slash < 0 ? null : rest.substring(0, slash);
    if (first != null
        && (first.contains(".") || first.contains(":") || first.equals("localhost"))) {
      if (!HOST.matcher(first).matches()) {
        throw new IllegalArgumentException("\"" + first + "\" is not a registry host");
      }
      rest = rest.substring(slash + 1);
    }
    if (rest.isEmpty()) {
      throw new IllegalArgumentException("image reference names no repository");
    }
    for (String component : rest.split("/", -1)) {
      if (!PATH_COMPONENT.matcher(component).matches()) {
        throw new IllegalArgumentException(
            "repository path component \""
                + component
                + "\" must be lowercase letters and digits separated by . _ __ or -");
      }
    }
  }
}

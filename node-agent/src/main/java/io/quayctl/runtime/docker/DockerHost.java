package io.quayctl.runtime.docker;

import java.util.regex.Pattern;

/**
 * A Docker engine address in one of the forms {@link DockerRuntime#connect} can use: {@code
 * unix:///path/to/docker.sock} or {@code tcp://HOST:PORT}. A bare absolute path is taken as the
 * socket it names, as {@code unix://} plus the path.
 */
public record DockerHost(String uri) {
  /** The accepted forms, for messages. */
  public static final String FORMS =
      "unix:///path/to/docker.sock, tcp://HOST:PORT or /path/to/docker.sock";

  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+\\]");

  /** Parses an address; the exception's message says what is wrong and which forms work. */
  public static DockerHost parse(String text) {
    String t = text.strip();
    if (t.startsWith("/")) {
      return new DockerHost("unix://" + t);
    }
    if (t.startsWith("unix://")) {
      String path = t.substring("unix://".length());
      if (!path.startsWith("/") || path.length() < 2) {
        throw invalid(text, "a unix socket needs an absolute path");
      }
      return new DockerHost(t);
    }
    if (t.startsWith("tcp://")) {
      String rest = t.substring("tcp://".length());
      if (rest.endsWith("/")) {
        rest = rest.substring(0, rest.length() - 1);
      }
      int colon = rest.lastIndexOf(':');
      if (colon <= 0 || !HOST.matcher(rest.substring(0, colon)).matches()) {
        throw invalid(text, "tcp needs HOST:PORT");
      }
      int port;
      try {
        port = Integer.parseInt(rest.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw invalid(text, "tcp needs HOST:PORT");
      }
      if (port < 1 || port > 65535) {
        throw invalid(text, "port " + port + " is out of range");
      }
      return new DockerHost("tcp://" + rest);
    }
    throw invalid(text, t.isEmpty() ? "it is empty" : "unknown form");
  }

  private static IllegalArgumentException invalid(String text, String why) {
    return new IllegalArgumentException(
        "\"" + text + "\" is not a Docker engine address (" + why + "); use " + FORMS);
  }

  @Override
  public String toString() {
    return uri;
  }
}

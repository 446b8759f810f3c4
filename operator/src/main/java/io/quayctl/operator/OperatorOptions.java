package io.quayctl.operator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/** The operator's command line. */
public record OperatorOptions(
    List<String> namespaces,
    boolean leaderElection,
    String leaseName,
    String leaseNamespace,
    int httpPort,
    OptionalInt trackerPort) {

  static final String USAGE =
      "usage: quayctl-operator [--namespace NS]... [--no-leader-election] [--lease-name NAME]"
          + " [--lease-namespace NS] [--http-port PORT] [--tracker-port PORT]";

  private static final Path SERVICE_ACCOUNT_NAMESPACE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  /** Parses {@code args}; throws {@link IllegalArgumentException} with the usage on error. */
  public static OperatorOptions parse(String... args) {
    List<String> namespaces = new ArrayList<>();
    boolean leaderElection = true;
    String leaseName = "quayctl-operator";
    String leaseNamespace = null;
    int httpPort = 8080;
    OptionalInt trackerPort = OptionalInt.empty();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--namespace" -> namespaces.add(value(args, ++i, arg));
        case "--no-leader-election" -> leaderElection = false;
        case "--lease-name" -> leaseName = value(args, ++i, arg);
        case "--lease-namespace" -> leaseNamespace = value(args, ++i, arg);
        case "--http-port" -> httpPort = port(value(args, ++i, arg), arg);
        case "--tracker-port" -> trackerPort = OptionalInt.of(port(value(args, ++i, arg), arg));
        default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
      }
    }
    if (leaderElection && leaseNamespace == null) {
      leaseNamespace = ownNamespace();
    }
    return new OperatorOptions(
        List.copyOf(namespaces), leaderElection, leaseName, leaseNamespace, httpPort, trackerPort);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
    }
    return args[i];
  }

  private static int port(String text, String option) {
    try {
      int port = Integer.parseInt(text);
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": \"" + text + "\" is not a port\n" + USAGE);
    }
  }

  /** The operator's namespace: POD_NAMESPACE, else the service account's, else default. */
  private static String ownNamespace() {
    String env = System.getenv("POD_NAMESPACE");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      if (Files.isReadable(SERVICE_ACCOUNT_NAMESPACE)) {
        return Files.readString(SERVICE_ACCOUNT_NAMESPACE).strip();
      }
    } catch (IOException e) {
      // fall through to the default
    }
    return "default";
  }
}

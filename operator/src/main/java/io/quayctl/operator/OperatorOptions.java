package io.quayctl.operator;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.quayctl.operator.planning.BastionSelector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The operator's command line, as the Helm chart passes it ({@code --flag=value} or {@code --flag
 * value}), and the pod facts from the environment ({@code POD_NAME}, {@code POD_NAMESPACE}, {@code
 * POD_IP}).
 *
 * @param namespaces namespaces whose ImagePulls are reconciled; empty = all
 * @param leaderElection whether to take part in leader election on a Lease
 * @param leaseName the Lease's name
 * @param leaseNamespace the Lease's namespace (and the tracker Service's)
 * @param healthPort port of {@code /healthz} and {@code /readyz}
 * @param metricsPort port of {@code /metrics} (may equal the health port)
 * @param logLevel trace, debug, info, warn or error
 * @param trackerPort port of the embedded tracker and index; empty = none
 * @param trackerAdvertiseUrl announce URL handed to agents for the embedded tracker
 * @param trackerService the selector-less Service whose EndpointSlice the leader writes
 * @param trackers external announce URLs; replace the embedded tracker in NodeImage entries
 * @param bastionSelector which nodes are bastions
 * @param defaultSeedDuration seed duration for ImagePulls without one
 * @param defaultParallelism parallelism for ImagePulls without one
 * @param podName this pod's name (leader identity)
 * @param podIp this pod's IP (the tracker endpoint)
 */
public record OperatorOptions(
    List<String> namespaces,
    boolean leaderElection,
    String leaseName,
    String leaseNamespace,
    int healthPort,
    int metricsPort,
    String logLevel,
    OptionalInt trackerPort,
    Optional<String> trackerAdvertiseUrl,
    Optional<String> trackerService,
    List<String> trackers,
    BastionSelector bastionSelector,
    Optional<String> defaultSeedDuration,
    Optional<IntOrString> defaultParallelism,
    Optional<String> podName,
    Optional<String> podIp) {

  static final String USAGE =
      "usage: quayctl-operator [--namespace=NS]... [--leader-election=true|false]"
          + " [--leader-election-lease=NAME] [--leader-election-namespace=NS]"
          + " [--health-port=PORT] [--metrics-port=PORT] [--log-level=LEVEL]"
          + " [--tracker-port=PORT] [--tracker-advertise-url=URL] [--tracker-service=NAME]"
          + " [--tracker=URL]... [--bastion-selector=KEY=VALUE] [--default-seed-duration=D]"
          + " [--default-parallelism=N|N%]";

  private static final Path SERVICE_ACCOUNT_NAMESPACE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  public OperatorOptions {
    namespaces = List.copyOf(namespaces);
    trackers = List.copyOf(trackers);
  }

  /** Parses {@code args} with the process environment. */
  public static OperatorOptions parse(String... args) {
    return parse(System.getenv(), args);
  }

  /** Parses {@code args}; throws {@link IllegalArgumentException} with the usage on error. */
  public static OperatorOptions parse(Map<String, String> env, String... args) {
    List<String> namespaces = new ArrayList<>();
    boolean leaderElection = true;
    String leaseName = "quayctl-operator";
    String leaseNamespace = null;
    int healthPort = 8081;
    int metricsPort = 8080;
    String logLevel = "info";
    OptionalInt trackerPort = OptionalInt.empty();
    String advertise = null;
    String service = null;
    List<String> trackers = new ArrayList<>();
    BastionSelector bastions = BastionSelector.DEFAULT;
    String seed = null;
    IntOrString parallelism = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String inline = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        inline = arg.substring(eq + 1);
      }
      if (name.equals("--no-leader-election")) {
        leaderElection = false;
        continue;
      }
      if (name.equals("--leader-election") && inline == null) {
        if (i + 1 < args.length && (args[i + 1].equals("true") || args[i + 1].equals("false"))) {
          inline = args[++i];
        } else {
          inline = "true";
        }
      }
      String value = inline != null ? inline : value(args, ++i, name);
      switch (name) {
        case "--namespace" -> namespaces.add(value);
        case "--leader-election" -> leaderElection = bool(value, name);
        case "--leader-election-lease", "--lease-name" -> leaseName = value;
        case "--leader-election-namespace", "--lease-namespace" -> leaseNamespace = value;
        case "--health-port" -> healthPort = port(value, name);
        case "--metrics-port" -> metricsPort = port(value, name);
        case "--log-level" -> logLevel = logLevel(value);
        case "--tracker-port" -> trackerPort = OptionalInt.of(port(value, name));
        case "--tracker-advertise-url" -> advertise = value;
        case "--tracker-service" -> service = value;
        case "--tracker" -> trackers.add(value);
        case "--bastion-selector" -> bastions = BastionSelector.parse(value);
        case "--default-seed-duration" -> seed = value.isBlank() ? null : value;
        case "--default-parallelism" -> parallelism = parallelism(value);
        default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
      }
    }
    if (leaseNamespace == null || leaseNamespace.isBlank()) {
      leaseNamespace = ownNamespace(env);
    }
    return new OperatorOptions(
        namespaces,
        leaderElection,
        leaseName,
        leaseNamespace,
        healthPort,
        metricsPort,
        logLevel,
        trackerPort,
        Optional.ofNullable(advertise),
        Optional.ofNullable(service),
        trackers,
        bastions,
        Optional.ofNullable(seed),
        Optional.ofNullable(parallelism),
        nonBlank(env.get("POD_NAME")),
        nonBlank(env.get("POD_IP")));
  }

  /**
   * The announce URLs NodeImage entries get when an ImagePull names none: the external trackers;
   * else the embedded tracker's, as advertised, else through the tracker Service's DNS name, else
   * at this pod's IP. Empty without any tracker.
   */
  public List<String> defaultTrackers() {
    if (!trackers.isEmpty()) {
      return trackers;
    }
    if (trackerPort.isEmpty()) {
      return List.of();
    }
    if (trackerAdvertiseUrl.isPresent()) {
      return List.of(trackerAdvertiseUrl.get());
    }
    int port = trackerPort.getAsInt();
    if (trackerService.isPresent()) {
      return List.of(
          "http://" + trackerService.get() + "." + leaseNamespace + ".svc:" + port + "/announce");
    }
    return podIp.map(ip -> List.of("http://" + ip + ":" + port + "/announce")).orElse(List.of());
  }

  /** The Lease holder's identity: the pod name, else the host name. */
  public String identity() {
    return podName.orElseGet(() -> System.getenv().getOrDefault("HOSTNAME", "quayctl-operator"));
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
    }
    return args[i];
  }

  private static boolean bool(String text, String option) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(option + " must be true or false, was " + text);
    };
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

  private static String logLevel(String text) {
    String level = text.toLowerCase(Locale.ROOT);
    if (!List.of("trace", "debug", "info", "warn", "error").contains(level)) {
      throw new IllegalArgumentException(
          "--log-level must be trace, debug, info, warn or error, was " + text);
    }
    return level;
  }

  private static IntOrString parallelism(String text) {
    if (text.isBlank()) {
      return null;
    }
    return text.matches("^[0-9]+$")
        ? new IntOrString(Integer.parseInt(text))
        : new IntOrString(text.strip());
  }

  private static Optional<String> nonBlank(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
  }

  /** The operator's namespace: POD_NAMESPACE, else the service account's, else default. */
  private static String ownNamespace(Map<String, String> env) {
    String ns = env.get("POD_NAMESPACE");
    if (ns != null && !ns.isBlank()) {
      return ns;
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

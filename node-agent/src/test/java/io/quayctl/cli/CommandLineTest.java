package io.quayctl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quayctl.Quayctl;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The command line without any daemon: help, version, usage errors, and flag values that are
 * rejected before the runtime or the network is touched.
 */
class CommandLineTest {

  record Run(int exit, String out, String err) {}

  static Run quayctl(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = Quayctl.run(false, args);
      return new Run(
          exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"-V", "docker -V", "docker torrent -V", "docker torrent pull -V", "tracker -V"})
  void versionIsPrintedWhereverItIsAccepted(String args) {
    Run run = quayctl(args.split(" "));
    assertThat(run.exit()).isZero();
    assertThat(run.out()).startsWith("quayctl ");
  }

  @Test
  void agentPrintsItsVersionWithoutItsRequiredOptions() {
    Run run = quayctl("agent", "--version");
    assertThat(run.exit()).isZero();
    assertThat(run.out()).startsWith("quayctl ");
  }

  @Test
  void versionCommandHasHelp() {
    Run run = quayctl("version", "--help");
    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("Usage: quayctl version");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "docker torrent pull",
        "docker torrent seed",
        "rkt torrent pull",
        "rkt torrent seed"
      })
  void helpHasAShortSynopsisNoFieldNamesAndTheExitCodes(String command) throws Exception {
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.add("--help");
    Run run = quayctl(args.toArray(String[]::new));
    assertThat(run.exit()).isZero();
    assertThat(run.out()).startsWith("Usage: quayctl " + command + " [OPTIONS] IMAGE\n");
    assertThat(run.out()).doesNotContainPattern("<[a-z][A-Za-z]*>");
    assertThat(run.out()).contains("\nExit codes:\n");
    String exitCodes = run.out().substring(run.out().indexOf("\nExit codes:\n"));
    for (Field code : ExitCode.class.getFields()) {
      if (code.getType() == int.class) {
        assertThat(exitCodes).containsPattern("\n +" + code.getInt(null) + " +[a-z]");
      }
    }
  }

  @Test
  void agentHelpHasValueLabelsNotFieldNames() {
    Run run = quayctl("agent", "--help");
    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("--role=ROLE").doesNotContainPattern("<[a-z][A-Za-z]*>");
  }

  @ParameterizedTest
  @ValueSource(strings = {"docker torrent pull", "rkt torrent pull"})
  void pullHelpShowsTheSeedAfterDefault(String command) {
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.add("--help");
    String help = quayctl(args.toArray(String[]::new)).out().replaceAll("\\s+", " ");
    assertThat(help).containsPattern("--seed-after=DURATION [^-]*\\(default: 0\\)");
  }

  @Test
  void anUnknownOptionIsOneErrorLineAndAPointerToHelp() {
    Run run = quayctl("docker", "torrent", "pull", "--bogus", "x");
    assertThat(run.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err().lines())
        .containsExactly(
            "quayctl: error: Unknown option: '--bogus'",
            "Try 'quayctl docker torrent pull --help' for more information.");
  }

  @Test
  void anExtraArgumentIsOneErrorLineAndAPointerToHelp() {
    Run run = quayctl("docker", "torrent", "pull", "a", "b");
    assertThat(run.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err().lines()).hasSize(2).last().asString().contains("for more information");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--encryption-mode 7|--encryption-mode",
        "--lower-port 7000 --upper-port 6000|--lower-port/--upper-port",
        "--platform bogus|--platform",
        "--tracker notaurl|--tracker must be an announce URL such as http://HOST:PORT/announce,"
            + " was \"notaurl\"",
        "--download-rate -5|--download-rate must not be negative",
        "--upload-rate -1|--upload-rate must not be negative",
        "--connections-per-second -1|--connections-per-second",
        "--containerd-address=|--containerd-address",
        "--runtime podman|--runtime",
        "--peer nohost|--peer must be HOST:PORT",
        "--index notaurl|--index must be a URL",
        "--local-ip example.com|--local-ip",
        "--docker-host bogus|--docker-host: \"bogus\" is not a Docker engine address",
        "--docker-host tcp://|--docker-host: \"tcp://\" is not a Docker engine address",
        "--docker-host unix://|--docker-host",
        "--skip-web-seed|--skip-web-seed needs an index for the manifest and peers for the bytes",
        "--skip-web-seed --peer 127.0.0.1:6881|--skip-web-seed needs an index",
        "--skip-web-seed --index http://127.0.0.1:1/|--skip-web-seed needs an index",
        "--stats-file /|--stats-file must be a file, not a directory",
      })
  void badFlagValuesAreUsageErrorsBeforeAnythingIsContacted(String flags, String message) {
    String[] args = ("docker torrent pull 127.0.0.1:1/app:1 " + flags).split(" ");
    Run run = quayctl(args);
    assertThat(run.exit()).as(run.err()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err()).contains(message).contains("--help' for more information");
    assertThat(run.out()).doesNotContain("Runtime:").doesNotContain("Resolving");
  }

  @ParameterizedTest
  @CsvSource({
    "docker torrent pull, --tracker, 127.0.0.1:6969, an announce URL such as"
        + " http://HOST:PORT/announce",
    "docker torrent seed, --tracker, 127.0.0.1:6969, an announce URL such as"
        + " http://HOST:PORT/announce",
    "rkt torrent pull, --tracker, bastion:6969/announce, an announce URL such as"
        + " http://HOST:PORT/announce",
    "docker torrent pull, --index, 127.0.0.1:6969, a URL such as http://HOST:PORT/",
    "rkt torrent seed, --index, http://bad host/, a URL such as http://HOST:PORT/",
  })
  void aUrlThatIsNoUriIsOneLineNamingTheFlag(
      String command, String flag, String value, String expected) {
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.addAll(List.of("127.0.0.1:1/app:1", flag, value));
    Run run = quayctl(args.toArray(String[]::new));
    assertThat(run.exit()).as(run.err()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err().lines())
        .containsExactly(
            "quayctl: error: " + flag + " must be " + expected + ", was \"" + value + "\"",
            "Try 'quayctl " + command + " --help' for more information.");
  }

  @Test
  void seedNamesTheServeTrackerFlag() {
    Run run = quayctl("docker", "torrent", "seed", "127.0.0.1:1/app:1", "--serve-tracker", "x");
    assertThat(run.exit()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err()).contains("--serve-tracker must be HOST:PORT").doesNotContain("--listen");
  }

  @Test
  void aStatsFileBelowAFileIsAUsageErrorBeforeThePull(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "x");
    Run run =
        quayctl(
            "docker",
            "torrent",
            "pull",
            "127.0.0.1:1/app:1",
            "--stats-file",
            file.resolve("sub/stats.json").toString());
    assertThat(run.exit()).as(run.err()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err()).contains("--stats-file").contains(file + " is not a directory");
    assertThat(run.out()).doesNotContain("Runtime:");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "docker torrent pull 127.0.0.1:1/app:1 --stats-file /proc/quayctl.json|--stats-file"
            + " \"/proc/quayctl.json\" cannot be created: /proc/.quayctl-probe",
        "rkt torrent pull 127.0.0.1:1/app:1 -o /proc|--output \"/proc/app-1-linux-",
        "rkt torrent pull 127.0.0.1:1/app:1 -o app.tar|--output must name a .aci file",
      })
  void outputFilesThatCannotBeWrittenAreRefusedBeforeAnyTransfer(String line, String message) {
    Run run = quayctl(line.split(" "));
    assertThat(run.exit()).as(run.err()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err()).contains(message);
    assertThat(run.out()).doesNotContain("Runtime:").doesNotContain("Resolving");
  }

  @Test
  void seedWithoutATrackerIsAUsageErrorBeforeTheDataDirIsOpened(@TempDir Path dir) {
    Path data = dir.resolve("data");
    Run run =
        quayctl("docker", "torrent", "seed", "127.0.0.1:1/app:1", "--data-dir", data.toString());
    assertThat(run.exit()).as(run.err()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err())
        .contains("seeding needs a tracker: give --tracker URL or --serve-tracker");
    assertThat(data).doesNotExist();
  }

  @Test
  void peersOnlyNeedsAnIndexAndAPeerNotATracker() {
    TorrentOptions o =
        parsed(
            "x:1", "--skip-web-seed", "--peer", "127.0.0.1:6881", "--index", "http://127.0.0.1:1/");
    o.validate(Map.of(), false);
    assertThat(o.peers).containsExactly("127.0.0.1:6881");
  }

  @Test
  void aTrackerThisProcessServesIsIndexAndPeersForSkipWebSeed() {
    TorrentOptions o = parsed("x:1", "--skip-web-seed");
    o.validate(Map.of(), true);
    assertThat(o.skipWebSeed).isTrue();
  }

  private static TorrentOptions parsed(String... args) {
    PullCommand pull = new PullCommand();
    new CommandLine(pull).parseArgs(args);
    return pull.options;
  }

  private static RuntimeOptions runtimeParsed(String... args) {
    PullCommand pull = new PullCommand();
    new CommandLine(pull).parseArgs(args);
    return pull.runtimeOptions;
  }

  @Test
  void dockerHostFromTheEnvironmentIsCheckedAndNamed() {
    RuntimeOptions o = runtimeParsed("x:1");
    assertThatThrownBy(() -> o.validate(Map.of("DOCKER_HOST", "bogus")))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("DOCKER_HOST")
        .hasMessageContaining("unix:///path/to/docker.sock, tcp://HOST:PORT");
  }

  @Test
  void dockerHostOfTheEnvironmentIsIgnoredForContainerd() {
    RuntimeOptions o = runtimeParsed("x:1", "--runtime", "containerd");
    o.validate(Map.of("DOCKER_HOST", "bogus"));
    assertThat(o.dockerHost).isNull();
  }

  @Test
  void aBareSocketPathIsAUnixDockerHost() {
    RuntimeOptions o = runtimeParsed("x:1", "--docker-host", "/tmp/x/docker.sock");
    o.validate(Map.of());
    assertThat(o.dockerHost).isEqualTo("unix:///tmp/x/docker.sock");
  }

  @Test
  void aDockerHostFlagThatReachesNothingIsNamedNotTheVariable(@TempDir Path dir) {
    String socket = dir.resolve("nonexistent.sock").toString();
    Run run =
        quayctl(
            "docker",
            "torrent",
            "pull",
            "127.0.0.1:1/app:1",
            "--runtime",
            "docker",
            "--docker-host",
            socket,
            "--data-dir",
            dir.resolve("data").toString());
    assertThat(run.exit()).as(run.err()).isEqualTo(ExitCode.RUNTIME_UNAVAILABLE);
    // Only the error: the HTTP client's log line is not shown outside tests (warnings only).
    assertThat(run.err().lines().filter(line -> line.startsWith("quayctl:")))
        .containsExactly(
            "quayctl: error: cannot reach Docker at unix://"
                + socket
                + ": no such socket (is dockerd running? is --docker-host right?)");
  }

  @Test
  void seedingIgnoresDockerHostOfTheEnvironment() {
    SeedCommand seed = new DockerSeedCommand();
    new CommandLine(seed).parseArgs("x:1", "--tracker", "http://127.0.0.1:6969/announce");
    seed.options.validate(Map.of("DOCKER_HOST", "bogus"), false);
    assertThat(seed.options.trackers).hasSize(1);
  }

  @Test
  void rktSeedAlwaysSeedsSquashedAndTakesNoSquashedFlag() {
    Run run = quayctl("rkt", "torrent", "seed", "127.0.0.1:1/app:1", "--squashed");
    assertThat(run.exit()).as(run.err()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err()).startsWith("quayctl: error: Unknown option: '--squashed'");
    assertThat(new RktSeedCommand().squashed()).isTrue();
    DockerSeedCommand docker = new DockerSeedCommand();
    new CommandLine(docker).parseArgs("x:1", "--squashed");
    assertThat(docker.squashed()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
    "docker torrent seed, --runtime=docker",
    "docker torrent seed, --docker-host=unix:///x.sock",
    "docker torrent seed, --containerd-address=/x.sock",
    "docker torrent seed, --containerd-namespace=k8s.io",
    "rkt torrent pull, --runtime=docker",
    "rkt torrent pull, --docker-host=unix:///x.sock",
    "rkt torrent seed, --containerd-namespace=k8s.io",
  })
  void commandsThatImportNothingTakeNoRuntimeFlags(String command, String flag) {
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.add("127.0.0.1:1/app:1");
    args.add(flag);
    Run run = quayctl(args.toArray(String[]::new));
    assertThat(run.exit()).as(run.err()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err()).startsWith("quayctl: error: Unknown option: '" + flag + "'");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1:6994",
        "http://127.0.0.1:6994/",
        "http://127.0.0.1:6994/index",
        "http://127.0.0.1:6994/index/"
      })
  void theIndexIsItsBaseUrlWithOrWithoutIndexPath(String given) {
    TorrentOptions o = parsed("x:1", "--index", given);
    o.validate(Map.of(), false);
    assertThat(o.index).isEqualTo(URI.create("http://127.0.0.1:6994/"));
    assertThat(agent("--index-url", given).index()).isEqualTo(URI.create("http://127.0.0.1:6994/"));
  }

  @Test
  void anIndexBelowAPathKeepsThePath() {
    TorrentOptions o = parsed("x:1", "--index", "https://h.example/quayctl/index/");
    o.validate(Map.of(), false);
    assertThat(o.index).isEqualTo(URI.create("https://h.example/quayctl/"));
    assertThat(agent("--index-url", "https://h.example/quayctl/index/").index())
        .isEqualTo(URI.create("https://h.example/quayctl/"));
  }

  @Test
  void theAgentsIndexUrlIsOptional() {
    assertThat(agent().index()).isNull();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--index-url|notaurl|must be a URL such as http://HOST:PORT/",
        "--index-url|ftp://h.example/|must be a URL such as http://HOST:PORT/",
        "--index-url|http:/index|must be a URL such as http://HOST:PORT/",
        "--index-url|udp://h.example:6969/|must be a URL such as http://HOST:PORT/",
        "--index-url|127.0.0.1:6994|must be a URL such as http://HOST:PORT/",
        "--tracker|127.0.0.1:6969|must be an announce URL such as http://HOST:PORT/announce",
        "--tracker|ftp://h.example/announce|must be an announce URL such as"
            + " http://HOST:PORT/announce",
        "--tracker|http:/announce|must be an announce URL such as http://HOST:PORT/announce",
      })
  void aBadAgentUrlIsAUsageErrorNamingTheFlagBeforeTheDataDirIsOpened(
      String flag, String given, String rule, @TempDir Path dir) {
    Path data = dir.resolve("data");
    Run run =
        quayctl(
            "agent",
            "--role",
            "worker",
            "--node-name",
            "n1",
            "--data-dir",
            data.toString(),
            flag,
            given);
    assertThat(run.exit()).as(run.err()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err().lines())
        .containsExactly("quayctl: error: " + flag + " " + rule + ", was \"" + given + "\"");
    assertThat(data).doesNotExist();
  }

  @Test
  void theAgentsTrackersAreItsAnnounceUrls() {
    assertThat(
            agent("--tracker", "udp://h.example:6969", "--tracker", "http://h:1/announce")
                .trackers())
        .containsExactly(URI.create("udp://h.example:6969"), URI.create("http://h:1/announce"));
  }

  private static AgentCommand agent(String... args) {
    AgentCommand agent = new AgentCommand();
    List<String> all = new ArrayList<>(List.of("--role", "worker", "--node-name", "n1"));
    all.addAll(List.of(args));
    new CommandLine(agent).parseArgs(all.toArray(String[]::new));
    return agent;
  }

  @Test
  void aMalformedDockerConfigIsBadInputNamedByItsFile(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("config.json"), "{\"auths\": {\"x\": {}},\n  oops }\n");
    Run run =
        quayctl(
            "docker", "torrent", "pull", "127.0.0.1:1/app:1", "--docker-config", dir.toString());
    assertThat(run.exit()).as(run.err()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err())
        .contains(dir.resolve("config.json") + ": not valid JSON (line 2, column 3)")
        .contains("--docker-config DIR");
    assertThat(run.out()).doesNotContain("Runtime:");
  }
}

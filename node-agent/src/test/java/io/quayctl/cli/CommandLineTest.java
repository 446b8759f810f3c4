package io.quayctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quayctl.Quayctl;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line without any daemon: help, version and usage errors. */
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
}

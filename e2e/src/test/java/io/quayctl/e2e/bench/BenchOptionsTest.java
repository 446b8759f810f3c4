package io.quayctl.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {
  @Test
  void defaultsAreTheIssuesSetup() {
    BenchOptions o = BenchOptions.parse();
    assertThat(o.workers()).containsExactly(1, 2, 4, 8);
    assertThat(o.size()).isEqualTo(512L << 20);
    assertThat(o.layers()).containsExactly(4);
    assertThat(o.registryRate().bitsPerSecond()).isEqualTo(200e6);
    assertThat(o.nodeRate()).isNull();
    assertThat(o.modes()).containsExactly(BenchOptions.Mode.DIRECT, BenchOptions.Mode.P2P);
    assertThat(o.out()).isEqualTo(Path.of("target/bench"));
    assertThat(o.agentJvmFlags()).isEqualTo(BenchOptions.PRODUCTION_JIT);
  }

  @Test
  void parsesEveryFlagInBothSpellings() {
    BenchOptions o =
        BenchOptions.parse(
            "--workers=1,3",
            "--size",
            "64MiB",
            "--layers",
            "4,1",
            "--registry-rate=1gbit",
            "--node-rate",
            "500mbit",
            "--modes",
            "p2p",
            "--out",
            "/tmp/x",
            "--timeout",
            "90s",
            "--agent-jvm-flags=");
    assertThat(o.workers()).containsExactly(1, 3);
    assertThat(o.size()).isEqualTo(64L << 20);
    assertThat(o.layers()).containsExactly(4, 1);
    assertThat(o.registryRate().bitsPerSecond()).isEqualTo(1e9);
    assertThat(o.nodeRate().tc()).isEqualTo("500mbit");
    assertThat(o.modes()).isEqualTo(List.of(BenchOptions.Mode.P2P));
    assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(o.agentJvmFlags()).isEmpty();
    assertThat(BenchOptions.parse("--node-rate", "unlimited").nodeRate()).isNull();
  }

  @Test
  void rejectsNonsenseWithTheUsage() {
    assertThatThrownBy(() -> BenchOptions.parse("--workers", "0")).hasMessageContaining("positive");
    assertThatThrownBy(() -> BenchOptions.parse("--size", "lots")).hasMessageContaining("512MiB");
    assertThatThrownBy(() -> BenchOptions.parse("--frobnicate", "1"))
        .hasMessageContaining("usage: bench");
    assertThatThrownBy(() -> BenchOptions.parse("--layers")).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> BenchOptions.parse("--size", "8KiB", "--layers", "4"))
        .hasMessageContaining("4 KiB");
  }

  @Test
  void ratesReadAsTcReadsThem() {
    assertThat(Rate.parse("200mbit").bitsPerSecond()).isEqualTo(200e6);
    assertThat(Rate.parse("25mbps").bitsPerSecond()).isEqualTo(200e6);
    assertThat(Rate.parse("1gbit").seconds(125_000_000)).isEqualTo(1.0);
    assertThatThrownBy(() -> Rate.parse("fast")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Rate.parse("0mbit")).isInstanceOf(IllegalArgumentException.class);
  }
}

package io.quayctl.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quayctl.operator.planning.BastionSelector;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorOptionsTest {
  private static final Map<String, String> POD =
      Map.of("POD_NAME", "op-0", "POD_NAMESPACE", "quayctl", "POD_IP", "10.1.2.3");

  @Test
  void parsesTheFlagsTheChartPasses() {
    OperatorOptions o =
        OperatorOptions.parse(
            POD,
            "--health-port=8081",
            "--metrics-port=8080",
            "--tracker-port=6969",
            "--log-level=debug",
            "--leader-election=true",
            "--leader-election-lease=quayctl-operator",
            "--leader-election-namespace=quayctl",
            "--tracker-service=quayctl-tracker",
            "--bastion-selector=example.com/egress=allowed",
            "--default-seed-duration=30m",
            "--default-parallelism=25%");
    assertThat(o.healthPort()).isEqualTo(8081);
    assertThat(o.metricsPort()).isEqualTo(8080);
    assertThat(o.trackerPort()).hasValue(6969);
    assertThat(o.logLevel()).isEqualTo("debug");
    assertThat(o.leaderElection()).isTrue();
    assertThat(o.leaseNamespace()).isEqualTo("quayctl");
    assertThat(o.bastionSelector()).isEqualTo(new BastionSelector("example.com/egress", "allowed"));
    assertThat(o.defaultSeedDuration()).hasValue("30m");
    assertThat(o.defaultParallelism().get().getStrVal()).isEqualTo("25%");
    assertThat(o.identity()).isEqualTo("op-0");
    assertThat(o.podIp()).hasValue("10.1.2.3");
    assertThat(o.defaultTrackers())
        .containsExactly("http://quayctl-tracker.quayctl.svc:6969/announce");
  }

  @Test
  void externalTrackersWinAndAnAdvertisedUrlBeatsThePodIp() {
    assertThat(
            OperatorOptions.parse(
                    POD, "--tracker-port", "6969", "--tracker=http://t1:6969/announce")
                .defaultTrackers())
        .containsExactly("http://t1:6969/announce");
    assertThat(OperatorOptions.parse(POD, "--tracker-port=6969").defaultTrackers())
        .containsExactly("http://10.1.2.3:6969/announce");
    assertThat(
            OperatorOptions.parse(
                    POD, "--tracker-port=0", "--tracker-advertise-url=http://x:1/announce")
                .defaultTrackers())
        .containsExactly("http://x:1/announce");
    assertThat(OperatorOptions.parse(POD).defaultTrackers()).isEmpty();
  }

  @Test
  void leaderElectionCanBeTurnedOffEitherWay() {
    assertThat(OperatorOptions.parse(POD, "--leader-election=false").leaderElection()).isFalse();
    assertThat(OperatorOptions.parse(POD, "--no-leader-election").leaderElection()).isFalse();
    assertThat(OperatorOptions.parse(POD, "--leader-election", "false").leaderElection()).isFalse();
    assertThat(OperatorOptions.parse(POD).leaderElection()).isTrue();
  }

  @Test
  void rejectsWhatItDoesNotKnow() {
    assertThatThrownBy(() -> OperatorOptions.parse(POD, "--frobnicate=1"))
        .hasMessageContaining("unknown option");
    assertThatThrownBy(() -> OperatorOptions.parse(POD, "--bastion-selector=nolabel"))
        .hasMessageContaining("key=value");
    assertThatThrownBy(() -> OperatorOptions.parse(POD, "--health-port=99999"))
        .hasMessageContaining("not a port");
  }
}

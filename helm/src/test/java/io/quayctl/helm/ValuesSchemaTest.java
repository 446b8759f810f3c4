package io.quayctl.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Wrong values fail before anything is rendered, naming the value that is wrong. */
class ValuesSchemaTest {

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "agent.runtime, podman, /agent/runtime",
    "agent.peerPort, abc, /agent/peerPort",
    "agent.peerPort, 80, /agent/peerPort",
    "agent.peerPort, 70000, /agent/peerPort",
    "agent.hostNetwork, yes, /agent/hostNetwork",
    "agent.storeLimit, lots, /agent/storeLimit",
    "agent.dataDir, relative/dir, /agent/dataDir",
    "operator.replicas, 0, /operator/replicas",
    "tracker.routing, dns, /tracker/routing",
    "seed.defaultDuration, 1 day, /seed/defaultDuration",
    "defaults.parallelism, 0, /defaults/parallelism",
    "defaults.parallelism, half, /defaults/parallelism",
    "agent.peerPortt, 6881, peerPortt",
  })
  void rejectsAWrongValueAndNamesIt(String key, String value, String mentioned) {
    assertThatThrownBy(() -> RenderedChart.template(Map.of(key, value)))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(mentioned);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "defaults.parallelism, 3",
    "defaults.parallelism, 25%",
    "seed.defaultDuration, 1h30m",
    "agent.storeLimit, 107374182400",
    "agent.runtime, auto",
  })
  void acceptsTheFormsTheDocsPromise(String key, String value) {
    assertThat(RenderedChart.template(Map.of(key, value))).contains("kind: DaemonSet");
  }

  @Test
  void networkPolicyWithoutApiServerAddressesSaysWhatToSet() {
    assertThatThrownBy(
            () ->
                RenderedChart.template(
                    Map.of(
                        "networkPolicy.enabled", "true",
                        "networkPolicy.peerCIDRs[0]", "10.0.0.0/16")))
        .hasMessageContaining("networkPolicy.apiServerCIDRs");
  }

  @Test
  void networkPolicyWithHostNetworkAgentsNeedsTheNodeCidrs() {
    assertThatThrownBy(
            () ->
                RenderedChart.template(
                    Map.of(
                        "networkPolicy.enabled", "true",
                        "networkPolicy.apiServerCIDRs[0]", "10.96.0.1/32")))
        .hasMessageContaining("networkPolicy.peerCIDRs");
  }

  @Test
  void trackerBehindAPodSelectorNeedsASingleOperator() {
    assertThatThrownBy(() -> RenderedChart.template(Map.of("tracker.routing", "podSelector")))
        .hasMessageContaining("operator.replicas=1");
  }

  @Test
  void refusesKubernetesOlderThanItsApis() {
    assertThatThrownBy(
            () ->
                new Helm(RenderedChart.CHART_DIR)
                    .template()
                    .withName(RenderedChart.RELEASE)
                    .withKubeVersion("1.24.0")
                    .call())
        .hasMessageContaining(">=1.25.0");
  }
}

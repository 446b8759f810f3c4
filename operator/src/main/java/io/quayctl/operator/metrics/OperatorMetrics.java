package io.quayctl.operator.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.quayctl.api.v1alpha1.ImagePullPhase;
import io.quayctl.operator.planning.NodeState;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The operator's Prometheus metrics: reconciles, ImagePulls by phase, target nodes by state. */
public final class OperatorMetrics {
  private final Counter reconciles;
  private final Map<String, ImagePullPhase> phases = new ConcurrentHashMap<>();
  private final Map<String, Map<NodeState, Integer>> nodeStates = new ConcurrentHashMap<>();

  /** Registers the metrics in {@code registry}. */
  public OperatorMetrics(PrometheusRegistry registry) {
    reconciles =
        Counter.builder()
            .name("quayctl_operator_reconciles_total")
            .help("ImagePull reconciles by result")
            .labelNames("result")
            .register(registry);
    GaugeWithCallback.builder()
        .name("quayctl_imagepulls")
        .help("ImagePulls by phase")
        .labelNames("phase")
        .callback(
            cb -> {
              Map<ImagePullPhase, Integer> counts = new EnumMap<>(ImagePullPhase.class);
              for (ImagePullPhase p : ImagePullPhase.values()) {
                counts.put(p, 0);
              }
              phases.values().forEach(p -> counts.merge(p, 1, Integer::sum));
              counts.forEach((p, n) -> cb.call(n, p.name()));
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("quayctl_imagepull_nodes")
        .help("Target nodes of all ImagePulls by state")
        .labelNames("state")
        .callback(
            cb -> {
              Map<NodeState, Integer> counts = new EnumMap<>(NodeState.class);
              for (NodeState s : NodeState.values()) {
                counts.put(s, 0);
              }
              nodeStates
                  .values()
                  .forEach(m -> m.forEach((s, n) -> counts.merge(s, n, Integer::sum)));
              counts.forEach((s, n) -> cb.call(n, s.name().toLowerCase(Locale.ROOT)));
            })
        .register(registry);
  }

  /** Counts one reconcile that ended in {@code result} ({@code success} or {@code error}). */
  public void reconciled(String result) {
    reconciles.labelValues(result).inc();
  }

  /** Records the latest phase and node states of the ImagePull with {@code key}. */
  public void observe(String key, ImagePullPhase phase, Map<NodeState, Integer> states) {
    phases.put(key, phase);
    nodeStates.put(key, Map.copyOf(states));
  }

  /** Forgets a deleted ImagePull. */
  public void forget(String key) {
    phases.remove(key);
    nodeStates.remove(key);
  }
}

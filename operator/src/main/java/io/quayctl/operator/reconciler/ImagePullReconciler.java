package io.quayctl.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.quayctl.api.v1alpha1.ImagePull;
import io.quayctl.api.v1alpha1.ImagePullStatus;
import io.quayctl.api.v1alpha1.NodeImage;
import io.quayctl.api.v1alpha1.NodeImageEntry;
import io.quayctl.operator.metrics.OperatorMetrics;
import io.quayctl.operator.planning.NodeFacts;
import io.quayctl.operator.planning.NodePlanner;
import io.quayctl.operator.planning.NodeProgress;
import io.quayctl.operator.planning.NodeState;
import io.quayctl.operator.planning.Plan;
import io.quayctl.operator.planning.PlanDefaults;
import io.quayctl.operator.planning.PlanInput;
import io.quayctl.operator.status.ImagePullEvents;
import io.quayctl.operator.status.ImagePullStatusAggregator;
import io.quayctl.operator.status.StatusEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles an ImagePull: reads Nodes and NodeImages from the informer caches, plans each node's
 * entry ({@link NodePlanner}), writes the NodeImages that differ, builds the status ({@link
 * ImagePullStatusAggregator}), records Events, and patches the status only when it changed.
 */
public class ImagePullReconciler implements Reconciler<ImagePull>, Cleaner<ImagePull> {
  /** The finalizer that makes deletion wait until every NodeImage entry is gone. */
  public static final String FINALIZER = "quayctl.io/nodeimage-entries";

  private static final Logger LOG = LoggerFactory.getLogger(ImagePullReconciler.class);

  private final Clock clock;
  private final OperatorMetrics metrics;
  private final String instance;
  private final PlanDefaults defaults;
  private InformerEventSource<Node, ImagePull> nodes;
  private InformerEventSource<NodeImage, ImagePull> nodeImages;

  /**
   * A reconciler that takes the time from {@code clock}, reports to {@code metrics}, records Events
   * as {@code instance}, and plans with the operator-wide {@code defaults}.
   */
  public ImagePullReconciler(
      Clock clock, OperatorMetrics metrics, String instance, PlanDefaults defaults) {
    this.clock = clock;
    this.metrics = metrics;
    this.instance = instance;
    this.defaults = defaults;
  }

  @Override
  public List<EventSource<?, ImagePull>> prepareEventSources(EventSourceContext<ImagePull> ctx) {
    // Any node change can add or drop a target of any ImagePull; heartbeats are filtered out.
    nodes =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Node.class, ImagePull.class)
                .withName("nodes")
                .withSecondaryToPrimaryMapper(
                    node ->
                        ctx.getPrimaryCache()
                            .list()
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .withOnUpdateFilter(ImagePullReconciler::nodeChangeMatters)
                .build(),
            ctx);
    nodeImages =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(NodeImage.class, ImagePull.class)
                .withName("nodeimages")
                .withSecondaryToPrimaryMapper(ImagePullReconciler::imagePullsOf)
                .build(),
            ctx);
    return List.of(nodes, nodeImages);
  }

  @Override
  public UpdateControl<ImagePull> reconcile(ImagePull pull, Context<ImagePull> ctx) {
    try {
      UpdateControl<ImagePull> control = reconcileOnce(pull, ctx.getClient());
      metrics.reconciled("success");
      return control;
    } catch (RuntimeException e) {
      metrics.reconciled("error");
      throw e;
    }
  }

  private UpdateControl<ImagePull> reconcileOnce(ImagePull pull, KubernetesClient client) {
    Instant now = clock.instant();
    List<Node> allNodes = nodes.list(n -> true).collect(Collectors.toList());
    Map<String, NodeImage> cached =
        nodeImages
            .list(n -> true)
            .collect(Collectors.toMap(n -> n.getMetadata().getName(), Function.identity()));
    Plan plan = NodePlanner.plan(new PlanInput(pull, allNodes, cached.values(), defaults, now));

    writeEntries(client, pull.key(), plan.entries(), allNodes, cached);

    ImagePullStatus status = ImagePullStatusAggregator.aggregate(pull, plan, now);
    for (StatusEvent event : ImagePullEvents.between(pull.getStatus(), status)) {
      new EventRecorder(client, clock, instance).record(pull, event);
    }
    Map<NodeState, Integer> states = new EnumMap<>(NodeState.class);
    plan.targets().stream().map(NodeProgress::state).forEach(s -> states.merge(s, 1, Integer::sum));
    metrics.observe(pull.key(), status.getPhase(), states);

    Optional<Duration> recheck = plan.recheckAfter();
    UpdateControl<ImagePull> control;
    if (sameJson(client.getKubernetesSerialization(), status, pull.getStatus())) {
      control = UpdateControl.noUpdate();
    } else {
      ImagePull patched = client.getKubernetesSerialization().clone(pull);
      patched.setStatus(status);
      control = UpdateControl.patchStatus(patched);
    }
    recheck.ifPresent(d -> control.rescheduleAfter(d.toMillis()));
    return control;
  }

  @Override
  public DeleteControl cleanup(ImagePull pull, Context<ImagePull> ctx) {
    Map<String, NodeImage> cached =
        nodeImages
            .list(n -> true)
            .collect(Collectors.toMap(n -> n.getMetadata().getName(), Function.identity()));
    writeEntries(ctx.getClient(), pull.key(), Map.of(), List.of(), cached);
    metrics.forget(pull.key());
    LOG.info("removed {} from every NodeImage", pull.key());
    return DeleteControl.defaultDelete();
  }

  private void writeEntries(
      KubernetesClient client,
      String key,
      Map<String, NodeImageEntry> desired,
      List<Node> allNodes,
      Map<String, NodeImage> cached) {
    NodeImageWriter writer = new NodeImageWriter(client, this::primeCache);
    Map<String, Node> byName =
        allNodes.stream().collect(Collectors.toMap(NodeFacts::name, Function.identity()));
    Set<String> touched = new HashSet<>(desired.keySet());
    cached.values().stream()
        .filter(ni -> ni.getSpec() != null)
        .filter(ni -> ni.getSpec().getImages().stream().anyMatch(e -> key.equals(e.getKey())))
        .forEach(ni -> touched.add(ni.getMetadata().getName()));
    for (String node : touched.stream().sorted().collect(Collectors.toList())) {
      writer.apply(
          node,
          Optional.ofNullable(byName.get(node)),
          key,
          Optional.ofNullable(desired.get(node)),
          Optional.ofNullable(cached.get(node)));
    }
  }

  /** Lets the next reconcile read this operator's own writes even before the watch delivers. */
  private void primeCache(NodeImage written, NodeImage previous) {
    ResourceID id = ResourceID.fromResource(written);
    if (previous == null) {
      nodeImages.handleRecentResourceCreate(id, written);
    } else {
      nodeImages.handleRecentResourceUpdate(id, written, previous);
    }
  }

  private static Set<ResourceID> imagePullsOf(NodeImage ni) {
    Stream<String> specKeys =
        ni.getSpec() == null
            ? Stream.empty()
            : ni.getSpec().getImages().stream().map(NodeImageEntry::getKey);
    Stream<String> statusKeys =
        ni.getStatus() == null
            ? Stream.empty()
            : ni.getStatus().getImages().stream().map(s -> s.getKey());
    return Stream.concat(specKeys, statusKeys)
        .filter(Objects::nonNull)
        .filter(k -> k.indexOf('/') > 0)
        .map(k -> new ResourceID(k.substring(k.indexOf('/') + 1), k.substring(0, k.indexOf('/'))))
        .collect(Collectors.toSet());
  }

  /** Labels, cordoning and the Ready condition matter; heartbeats and resource usage do not. */
  static boolean nodeChangeMatters(Node now, Node before) {
    return !Objects.equals(NodeFacts.labels(now), NodeFacts.labels(before))
        || !Objects.equals(NodeFacts.unavailableReason(now), NodeFacts.unavailableReason(before))
        || !Objects.equals(readyStatus(now), readyStatus(before));
  }

  private static Optional<String> readyStatus(Node node) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return node.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()))
        .map(NodeCondition::getStatus)
        .findFirst();
  }

  private static boolean sameJson(KubernetesSerialization s, Object a, Object b) {
    if (a == null || b == null) {
      return a == b;
    }
    return s.convertValue(a, com.fasterxml.jackson.databind.JsonNode.class)
        .equals(s.convertValue(b, com.fasterxml.jackson.databind.JsonNode.class));
  }
}

package io.quayctl.operator.planning;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.quayctl.api.ImageReference;
import io.quayctl.api.v1alpha1.ImagePull;
import io.quayctl.api.v1alpha1.ImagePullRef;
import io.quayctl.api.v1alpha1.ImagePullSpec;
import io.quayctl.api.v1alpha1.Layer;
import io.quayctl.api.v1alpha1.NodeImage;
import io.quayctl.api.v1alpha1.NodeImageEntry;
import io.quayctl.api.v1alpha1.NodeImageEntryStatus;
import io.quayctl.api.v1alpha1.NodeImagePhase;
import io.quayctl.api.v1alpha1.NodeReason;
import io.quayctl.api.v1alpha1.NodeRole;
import io.quayctl.api.v1alpha1.SecretRef;
import io.quayctl.api.v1alpha1.SeedPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Computes, from plain objects, which node gets which NodeImage entry for one ImagePull: the
 * bastion resolves first; once it reports a digest and layers, target nodes get entries carrying
 * them, at most {@code parallelism} in flight; failures and timeouts are retried up to {@code
 * backoffLimit} times by raising the entry's attempt.
 */
public final class NodePlanner {
  private NodePlanner() {}

  /** Plans one pass; never mutates its input. */
  public static Plan plan(PlanInput in) {
    ImagePull pull = in.pull();
    ImagePullSpec spec = pull.getSpec();
    String key = pull.key();
    String uid = pull.getMetadata().getUid();

    Map<String, NodeImageEntry> existing = new HashMap<>();
    Map<String, NodeImageEntryStatus> reports = new HashMap<>();
    for (NodeImage ni : in.nodeImages()) {
      String node = ni.getMetadata().getName();
      if (ni.getSpec() != null) {
        ni.getSpec().getImages().stream()
            .filter(e -> key.equals(e.getKey()))
            .findFirst()
            .ifPresent(e -> existing.put(node, e));
      }
      if (ni.getStatus() != null) {
        ni.getStatus().getImages().stream()
            .filter(s -> key.equals(s.getKey()))
            .filter(s -> s.getUid() == null || s.getUid().equals(uid))
            .findFirst()
            .ifPresent(s -> reports.put(node, s));
      }
    }
    long fromPeers = reports.values().stream().mapToLong(s -> nz(s.getBytesFromPeers())).sum();
    long fromRegistry =
        reports.values().stream().mapToLong(s -> nz(s.getBytesFromRegistry())).sum();

    Optional<Problem> problem = validate(spec, in.defaults());
    if (problem.isPresent()) {
      return new Plan(
          problem,
          Resolution.of(Resolution.State.NOT_STARTED, problem.get().reason(), null),
          Map.of(),
          List.of(),
          List.of(),
          fromPeers,
          fromRegistry,
          Optional.empty());
    }

    Pass pass = new Pass(pull, in.defaults(), in.now(), existing, reports);
    Map<String, Node> byName =
        in.nodes().stream().collect(Collectors.toMap(NodeFacts::name, n -> n, (a, b) -> a));
    NodeSelection selection = NodeSelection.select(spec, in.nodes(), existing.keySet());
    Set<String> targetNames =
        selection.targets().stream().map(NodeFacts::name).collect(Collectors.toSet());
    Optional<String> currentResolver =
        existing.entrySet().stream()
            .filter(e -> Boolean.TRUE.equals(e.getValue().getResolver()))
            .map(Map.Entry::getKey)
            .sorted()
            .findFirst();

    Optional<Resolution> reported = reportedResolution(spec, currentResolver, existing, reports);
    Optional<Resolution> resolved =
        existing.values().stream()
            .filter(e -> spec.getImage().equals(e.getImage()) && e.getResolvedDigest() != null)
            .sorted((a, b) -> Boolean.compare(isResolver(b), isResolver(a)))
            .findFirst()
            .map(
                e ->
                    resolution(
                        currentResolver, e.getResolvedDigest(), e.getLayers(), e.getPlatform()))
            .map(r -> withReportedInfohashes(r, reported))
            .or(() -> reported);

    if (resolved.isEmpty()) {
      Optional<Node> bastion =
          Bastions.choose(in.nodes(), in.defaults().bastions(), currentResolver, targetNames);
      List<NodeReason> skipped = new ArrayList<>(selection.skipped());
      List<Node> targets =
          bastion
              .map(b -> matchingPlatform(spec, selection.targets(), NodeFacts.platform(b), skipped))
              .orElse(selection.targets());
      if (bastion.isEmpty()) {
        return new Plan(
            Optional.empty(),
            Resolution.of(
                Resolution.State.NO_BASTION,
                "NoBastion",
                Bastions.whyNone(in.nodes(), in.defaults().bastions())),
            Map.of(),
            waiting(targets),
            List.copyOf(skipped),
            fromPeers,
            fromRegistry,
            Optional.empty());
      }
      return pass.resolve(bastion.get(), targets, targetNames, List.copyOf(skipped))
          .withBytes(fromPeers, fromRegistry);
    }

    Resolution resolution = resolved.get();
    List<NodeReason> skipped = new ArrayList<>(selection.skipped());
    List<Node> targets =
        matchingPlatform(spec, selection.targets(), resolution.platform(), skipped);
    return pass.rollout(resolution, targets, currentResolver, byName, List.copyOf(skipped))
        .withBytes(fromPeers, fromRegistry);
  }

  private static Resolution resolution(
      Optional<String> resolver, String digest, List<Layer> layers, String platform) {
    return new Resolution(
        Resolution.State.RESOLVED,
        resolver.orElse(null),
        digest,
        List.copyOf(layers),
        platform,
        "Resolved",
        "resolved to " + digest);
  }

  /**
   * The stored resolution, with the layers of the resolver's report when those name infohashes the
   * stored ones lack. The resolver reports the digest before it fetches the blobs (so that workers
   * start waiting at once) and the infohashes once it has them; both may arrive in separate status
   * writes, and the first one is what the entries were given.
   */
  private static Resolution withReportedInfohashes(
      Resolution stored, Optional<Resolution> reported) {
    if (reported.isEmpty() || !stored.digest().equals(reported.get().digest())) {
      return stored;
    }
    List<Layer> layers = reported.get().layers();
    boolean completes =
        layers.size() == stored.layers().size()
            && layers.stream().allMatch(l -> l.getInfohash() != null)
            && stored.layers().stream().anyMatch(l -> l.getInfohash() == null);
    return completes
        ? resolution(
            Optional.ofNullable(stored.resolverNode()), stored.digest(), layers, stored.platform())
        : stored;
  }

  /**
   * The resolver's answer for its current attempt, taken in the same pass that sees it: this
   * operator's own write of the digest into the entry does not trigger another reconcile.
   */
  private static Optional<Resolution> reportedResolution(
      ImagePullSpec spec,
      Optional<String> resolver,
      Map<String, NodeImageEntry> existing,
      Map<String, NodeImageEntryStatus> reports) {
    return resolver.flatMap(
        name -> {
          NodeImageEntry entry = existing.get(name);
          NodeImageEntryStatus report = reports.get(name);
          boolean answered =
              entry != null
                  && report != null
                  && report.getLayers() != null
                  && spec.getImage().equals(entry.getImage())
                  && report != null
                  && report.getResolvedDigest() != null
                  && report.getPhase() != NodeImagePhase.Failed
                  && (report.getAttempt() == null
                      || report.getAttempt().equals(entry.getAttempt()));
          return answered
              ? Optional.of(
                  resolution(
                      resolver,
                      report.getResolvedDigest(),
                      report.getLayers(),
                      entry.getPlatform()))
              : Optional.empty();
        });
  }

  private static Optional<Problem> validate(ImagePullSpec spec, PlanDefaults defaults) {
    try {
      ImageReference.parse(spec.getImage());
    } catch (IllegalArgumentException e) {
      return Optional.of(new Problem("InvalidImage", e.getMessage()));
    }
    try {
      Parallelism.limit(parallelism(spec, defaults), 1);
    } catch (IllegalArgumentException e) {
      return Optional.of(new Problem("InvalidParallelism", e.getMessage()));
    }
    return Optional.empty();
  }

  private static IntOrString parallelism(ImagePullSpec spec, PlanDefaults defaults) {
    return spec.getParallelism() != null ? spec.getParallelism() : defaults.parallelism();
  }

  /** Without spec.platform every node must match the resolved platform, or it is skipped. */
  private static List<Node> matchingPlatform(
      ImagePullSpec spec, List<Node> targets, String platform, List<NodeReason> skipped) {
    if (spec.getPlatform() != null || platform == null) {
      return targets;
    }
    List<Node> kept = new ArrayList<>();
    for (Node node : targets) {
      String own = NodeFacts.platform(node);
      if (own.equals(platform)) {
        kept.add(node);
      } else {
        skipped.add(
            new NodeReason(
                NodeFacts.name(node),
                "PlatformMismatch",
                "node is "
                    + own
                    + " but the image is resolved for "
                    + platform
                    + "; set spec.platform or add a bastion of that platform"));
      }
    }
    return kept;
  }

  private static List<NodeProgress> waiting(List<Node> targets) {
    return targets.stream()
        .map(n -> NodeProgress.of(NodeFacts.name(n), NodeState.WAITING))
        .collect(Collectors.toList());
  }

  private static boolean isResolver(NodeImageEntry e) {
    return Boolean.TRUE.equals(e.getResolver());
  }

  private static long nz(Long value) {
    return value == null ? 0 : value;
  }

  /** One planning pass over one ImagePull's existing entries and reports. */
  private static final class Pass {
    private final ImagePull pull;
    private final PlanDefaults defaults;
    private final ImagePullSpec spec;
    private final Instant now;
    private final Map<String, NodeImageEntry> existing;
    private final Map<String, NodeImageEntryStatus> reports;
    private final int backoffLimit;
    private Duration recheck;

    Pass(
        ImagePull pull,
        PlanDefaults defaults,
        Instant now,
        Map<String, NodeImageEntry> existing,
        Map<String, NodeImageEntryStatus> reports) {
      this.pull = pull;
      this.defaults = defaults;
      this.spec = pull.getSpec();
      this.now = now;
      this.existing = existing;
      this.reports = reports;
      this.backoffLimit =
          spec.getBackoffLimit() == null
              ? ImagePullSpec.DEFAULT_BACKOFF_LIMIT
              : spec.getBackoffLimit();
    }

    /** Before resolution: only the resolver has an entry; it is a target's work too. */
    PlanBuilder resolve(
        Node bastion, List<Node> targets, Set<String> targetNames, List<NodeReason> skipped) {
      String name = NodeFacts.name(bastion);
      NodeImageEntry entry =
          carryOver(existing.get(name), desiredEntry(bastion, targetNames.contains(name), true));
      Judgement j = judge(name, entry);
      Resolution resolution;
      if (j.progress.state() == NodeState.FAILED) {
        resolution =
            new Resolution(
                Resolution.State.FAILED,
                name,
                null,
                List.of(),
                entry.getPlatform(),
                j.progress.reason(),
                "resolving on " + name + " failed: " + j.progress.message());
      } else {
        resolution =
            new Resolution(
                Resolution.State.RESOLVING,
                name,
                null,
                List.of(),
                entry.getPlatform(),
                "Resolving",
                "bastion " + name + " is resolving " + spec.getImage());
      }
      List<NodeProgress> progress = new ArrayList<>();
      for (Node t : targets) {
        String tn = NodeFacts.name(t);
        progress.add(tn.equals(name) ? j.progress : NodeProgress.of(tn, NodeState.WAITING));
      }
      Map<String, NodeImageEntry> entries = new LinkedHashMap<>();
      entries.put(name, entry);
      return new PlanBuilder(resolution, entries, progress, skipped, recheck);
    }

    /** After resolution: targets get entries with digest and layers, within parallelism. */
    PlanBuilder rollout(
        Resolution resolution,
        List<Node> targets,
        Optional<String> resolver,
        Map<String, Node> byName,
        List<NodeReason> skipped) {
      Map<String, NodeImageEntry> entries = new LinkedHashMap<>();
      Map<String, NodeProgress> progress = new LinkedHashMap<>();
      List<Node> unassigned = new ArrayList<>();
      int inFlight = 0;
      for (Node t : targets) {
        String name = NodeFacts.name(t);
        if (!existing.containsKey(name)) {
          unassigned.add(t);
          continue;
        }
        NodeImageEntry entry =
            carryOver(
                existing.get(name),
                withResolution(
                    desiredEntry(t, true, resolver.map(name::equals).orElse(false)), resolution));
        Judgement j = judge(name, entry);
        entries.put(name, entry);
        progress.put(name, j.progress);
        if (j.progress.state() == NodeState.IN_PROGRESS) {
          inFlight++;
        }
      }
      int limit = Parallelism.limit(parallelism(spec, defaults), targets.size());
      for (Node t : unassigned) {
        String name = NodeFacts.name(t);
        if (inFlight < limit) {
          NodeImageEntry entry = withResolution(desiredEntry(t, true, false), resolution);
          entry.setAttempt(1);
          entry.setAssignedTime(now.toString());
          entries.put(name, entry);
          progress.put(name, NodeProgress.of(name, NodeState.IN_PROGRESS));
          inFlight++;
          noteDeadline(now);
        } else {
          progress.put(name, NodeProgress.of(name, NodeState.WAITING));
        }
      }
      // The resolver keeps seeding even when it is not a target (then it does not import).
      resolver
          .filter(r -> !entries.containsKey(r) && byName.containsKey(r))
          .ifPresent(
              r ->
                  entries.put(
                      r,
                      carryOver(
                          existing.get(r),
                          withResolution(desiredEntry(byName.get(r), false, true), resolution))));
      List<NodeProgress> ordered =
          targets.stream().map(t -> progress.get(NodeFacts.name(t))).collect(Collectors.toList());
      return new PlanBuilder(resolution, entries, ordered, skipped, recheck);
    }

    private NodeImageEntry desiredEntry(Node node, boolean isTarget, boolean resolver) {
      boolean bastion = defaults.bastions().matches(node);
      NodeImageEntry e = new NodeImageEntry();
      e.setKey(pull.key());
      e.setImagePull(
          new ImagePullRef(
              pull.getMetadata().getNamespace(),
              pull.getMetadata().getName(),
              pull.getMetadata().getUid()));
      e.setImage(spec.getImage());
      e.setPlatform(spec.getPlatform() != null ? spec.getPlatform() : NodeFacts.platform(node));
      e.setFormat(spec.getFormat());
      e.setRole(bastion ? NodeRole.Bastion : NodeRole.Worker);
      e.setResolver(resolver ? Boolean.TRUE : null);
      e.setImportToRuntime(isTarget ? null : Boolean.FALSE);
      String seedFor =
          spec.getSeed() != null && spec.getSeed().getDuration() != null
              ? spec.getSeed().getDuration()
              : defaults.seedDuration();
      e.setSeed(seedFor == null ? null : new SeedPolicy(seedFor));
      e.setRuntime(spec.getRuntime());
      e.setTrackers(
          new ArrayList<>(
              spec.getTrackers() == null || spec.getTrackers().isEmpty()
                  ? defaults.trackers()
                  : spec.getTrackers()));
      List<SecretRef> secrets = new ArrayList<>();
      if (bastion && spec.getPullSecrets() != null) {
        for (String s : spec.getPullSecrets()) {
          secrets.add(new SecretRef(pull.getMetadata().getNamespace(), s));
        }
      }
      e.setPullSecrets(secrets);
      return e;
    }

    private NodeImageEntry withResolution(NodeImageEntry e, Resolution r) {
      e.setResolvedDigest(r.digest());
      e.setLayers(new ArrayList<>(r.layers()));
      return e;
    }

    /**
     * Keeps the attempt and its start time from the existing entry while the work asked for is the
     * same; a different image or digest starts over at attempt 1. A resolver entry keeps the digest
     * its agent already reported.
     */
    private NodeImageEntry carryOver(NodeImageEntry old, NodeImageEntry desired) {
      boolean sameWork =
          old != null
              && Objects.equals(old.getImage(), desired.getImage())
              && Objects.equals(old.getPlatform(), desired.getPlatform())
              && Objects.equals(old.getFormat(), desired.getFormat())
              && (desired.getResolvedDigest() == null
                  || old.getResolvedDigest() == null
                  || desired.getResolvedDigest().equals(old.getResolvedDigest()));
      if (sameWork) {
        desired.setAttempt(old.getAttempt() == null ? 1 : old.getAttempt());
        desired.setAssignedTime(
            old.getAssignedTime() == null ? now.toString() : old.getAssignedTime());
        if (desired.getResolvedDigest() == null && old.getResolvedDigest() != null) {
          desired.setResolvedDigest(old.getResolvedDigest());
          desired.setLayers(new ArrayList<>(old.getLayers()));
        }
      } else {
        desired.setAttempt(1);
        desired.setAssignedTime(now.toString());
      }
      return desired;
    }

    private NodeImageEntryStatus currentReport(String node, NodeImageEntry entry) {
      NodeImageEntryStatus report = reports.get(node);
      if (report == null
          || (report.getAttempt() != null && !report.getAttempt().equals(entry.getAttempt()))) {
        return null;
      }
      return report;
    }

    /** Judges one assigned node; may raise the entry's attempt to retry it. */
    private Judgement judge(String node, NodeImageEntry entry) {
      NodeImageEntryStatus report = currentReport(node, entry);
      if (report != null && report.getPhase() != null && report.getPhase().hasImage()) {
        return new Judgement(NodeProgress.of(node, NodeState.SUCCEEDED));
      }
      String reason = null;
      String message = null;
      if (report != null && report.getPhase() == NodeImagePhase.Failed) {
        reason = report.getReason() == null ? "PullFailed" : report.getReason();
        message =
            report.getMessage() == null ? "the agent reported a failure" : report.getMessage();
      } else if (spec.getTimeoutSeconds() != null) {
        Instant deadline = assigned(entry).plusSeconds(spec.getTimeoutSeconds());
        if (!now.isBefore(deadline)) {
          reason = "Timeout";
          message = "no result within " + spec.getTimeoutSeconds() + "s";
        } else {
          noteDeadline(assigned(entry));
        }
      }
      if (reason == null) {
        return new Judgement(NodeProgress.of(node, NodeState.IN_PROGRESS));
      }
      int attempt = entry.getAttempt() == null ? 1 : entry.getAttempt();
      if (attempt <= backoffLimit) {
        entry.setAttempt(attempt + 1);
        entry.setAssignedTime(now.toString());
        noteDeadline(now);
        return new Judgement(
            new NodeProgress(
                node,
                NodeState.IN_PROGRESS,
                reason,
                message + " (attempt " + attempt + ", retrying)"));
      }
      return new Judgement(
          new NodeProgress(
              node,
              NodeState.FAILED,
              reason,
              message + " (attempt " + attempt + " of " + (backoffLimit + 1) + ")"));
    }

    private Instant assigned(NodeImageEntry entry) {
      try {
        return entry.getAssignedTime() == null ? now : Instant.parse(entry.getAssignedTime());
      } catch (DateTimeParseException e) {
        return now;
      }
    }

    private void noteDeadline(Instant assignedAt) {
      if (spec.getTimeoutSeconds() == null) {
        return;
      }
      Duration left = Duration.between(now, assignedAt.plusSeconds(spec.getTimeoutSeconds()));
      if (left.isNegative() || left.isZero()) {
        left = Duration.ofSeconds(1);
      }
      if (recheck == null || left.compareTo(recheck) < 0) {
        recheck = left;
      }
    }
  }

  private record Judgement(NodeProgress progress) {}

  /** A plan still missing the byte counts. */
  private record PlanBuilder(
      Resolution resolution,
      Map<String, NodeImageEntry> entries,
      List<NodeProgress> targets,
      List<NodeReason> skipped,
      Duration recheck) {
    Plan withBytes(long fromPeers, long fromRegistry) {
      return new Plan(
          Optional.empty(),
          resolution,
          Map.copyOf(entries),
          List.copyOf(targets),
          skipped,
          fromPeers,
          fromRegistry,
          Optional.ofNullable(recheck));
    }
  }
}

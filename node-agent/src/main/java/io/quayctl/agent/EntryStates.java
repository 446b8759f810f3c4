package io.quayctl.agent;

import io.quayctl.api.v1alpha1.Layer;
import io.quayctl.api.v1alpha1.NodeImageEntry;
import io.quayctl.api.v1alpha1.NodeImageEntryStatus;
import io.quayctl.api.v1alpha1.NodeImagePhase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The state of every NodeImage entry of this node, as plain objects: fed the spec, job events and
 * timer ticks, it says which jobs to start and stop and what to report. Owned by the agent's loop
 * thread; not thread-safe.
 *
 * <p>Per entry: Pending, then (resolver only) Resolving, Pulling, Importing, Seeding, and Complete
 * once {@code seed.duration} has passed (no duration: seeding lasts while the entry exists); or
 * Failed. A higher {@code attempt} or another ImagePull uid starts the entry over; an entry that
 * disappears is stopped and its status element dropped. An agent that restarts picks up what its
 * predecessor reported for the same uid and attempt: Complete and Failed stay as they are, an entry
 * that had its image goes on reporting Seeding while the job re-checks the blobs.
 */
final class EntryStates {

  /** What the agent must do. */
  sealed interface Command {
    /** The entry's key. */
    String key();
  }

  /** Start the job of an entry. */
  record Start(JobId id, NodeImageEntry entry) implements Command {
    @Override
    public String key() {
      return id.key();
    }
  }

  /** Stop the job of an entry (its work and its seeding). */
  record Stop(String key) implements Command {}

  private static final class State {
    JobId id;
    NodeImageEntry entry;
    NodeImagePhase phase = NodeImagePhase.Pending;
    boolean restoredWithImage;
    String reason;
    String message;
    String resolvedDigest;
    List<Layer> layers = List.of();
    Transfer transfer = Transfer.NONE;
    Instant seedUntil;
    NodeImageEntryStatus lastReport;
    Instant lastUpdate;
  }

  private final Clock clock;
  private final Map<String, State> states = new LinkedHashMap<>();

  EntryStates(Clock clock) {
    this.clock = clock;
  }

  /** The identity of an entry's work. */
  static JobId idOf(NodeImageEntry e) {
    return new JobId(
        e.getKey(),
        e.getImagePull() == null ? null : e.getImagePull().getUid(),
        e.getAttempt() == null ? 1 : e.getAttempt());
  }

  /**
   * Takes the latest spec (all entries; empty when the NodeImage is gone) and the status found on
   * the NodeImage (used only for entries this agent has not seen yet, after a restart).
   */
  List<Command> onSpec(List<NodeImageEntry> entries, List<NodeImageEntryStatus> reported) {
    List<Command> commands = new ArrayList<>();
    Map<String, NodeImageEntry> wanted = new LinkedHashMap<>();
    for (NodeImageEntry e : entries) {
      if (e.getKey() != null) {
        wanted.putIfAbsent(e.getKey(), e);
      }
    }
    for (var it = states.entrySet().iterator(); it.hasNext(); ) {
      var s = it.next();
      if (!wanted.containsKey(s.getKey())) {
        it.remove();
        commands.add(new Stop(s.getKey()));
      }
    }
    Map<String, NodeImageEntryStatus> reports = new HashMap<>();
    for (NodeImageEntryStatus r : reported) {
      if (r.getKey() != null) {
        reports.putIfAbsent(r.getKey(), r);
      }
    }
    Map<String, State> ordered = new LinkedHashMap<>();
    for (NodeImageEntry e : wanted.values()) {
      JobId id = idOf(e);
      State s = states.get(e.getKey());
      if (s != null && s.id.equals(id)) {
        s.entry = e;
      } else {
        if (s != null) {
          commands.add(new Stop(e.getKey()));
        }
        s = fresh(id, e, s == null ? reports.get(e.getKey()) : null);
        if (s.phase != NodeImagePhase.Complete && s.phase != NodeImagePhase.Failed) {
          commands.add(new Start(id, e));
        }
      }
      ordered.put(e.getKey(), s);
    }
    states.clear();
    states.putAll(ordered);
    return commands;
  }

  private State fresh(JobId id, NodeImageEntry e, NodeImageEntryStatus report) {
    State s = new State();
    s.id = id;
    s.entry = e;
    boolean same =
        report != null
            && report.getPhase() != null
            && Objects.equals(report.getUid(), id.uid())
            && Objects.equals(report.getAttempt(), id.attempt());
    if (!same) {
      return s;
    }
    switch (report.getPhase()) {
      case Complete -> s.phase = NodeImagePhase.Complete;
      case Failed -> {
        s.phase = NodeImagePhase.Failed;
        s.reason = report.getReason();
        s.message = report.getMessage();
      }
      case Seeding -> {
        s.phase = NodeImagePhase.Seeding;
        s.restoredWithImage = true;
      }
      default -> {
        return s;
      }
    }
    s.resolvedDigest = report.getResolvedDigest();
    s.layers = report.getLayers() == null ? List.of() : List.copyOf(report.getLayers());
    s.transfer =
        new Transfer(
            nz(report.getBytesDone()),
            nz(report.getBytesTotal()),
            nz(report.getBytesFromPeers()),
            nz(report.getBytesFromRegistry()));
    s.lastReport = report;
    s.lastUpdate = parse(report.getLastUpdate());
    return s;
  }

  /** Applies a job's event; returns the commands it leads to. Stale events are dropped. */
  List<Command> onEvent(JobId id, PullEvent event) {
    State s = states.get(id.key());
    if (s == null || !s.id.equals(id) || s.phase == NodeImagePhase.Complete) {
      return List.of();
    }
    if (event instanceof PullEvent.PhaseChanged p) {
      if (!s.restoredWithImage && s.phase != NodeImagePhase.Failed) {
        s.phase = p.phase();
      }
    } else if (event instanceof PullEvent.Resolved r) {
      s.resolvedDigest = r.digest();
      s.layers = r.layers();
    } else if (event instanceof PullEvent.Done) {
      s.phase = NodeImagePhase.Seeding;
      s.restoredWithImage = false;
      Optional<Duration> seedFor = seedDuration(s.entry);
      s.seedUntil = seedFor.map(clock.instant()::plus).orElse(null);
      if (seedFor.isPresent() && seedFor.get().isZero()) {
        s.phase = NodeImagePhase.Complete;
        return List.of(new Stop(id.key()));
      }
    } else if (event instanceof PullEvent.Failed f) {
      s.phase = NodeImagePhase.Failed;
      s.restoredWithImage = false;
      s.reason = f.reason();
      s.message = f.message();
      return List.of(new Stop(id.key()));
    }
    return List.of();
  }

  /** Records a job's byte counts. */
  void onTransfer(JobId id, Transfer t) {
    State s = states.get(id.key());
    if (s != null && s.id.equals(id) && s.phase != NodeImagePhase.Complete) {
      s.transfer = t;
    }
  }

  /** Ends seeding whose time is up. */
  List<Command> onTick() {
    Instant now = clock.instant();
    List<Command> commands = new ArrayList<>();
    for (State s : states.values()) {
      if (s.phase == NodeImagePhase.Seeding && s.seedUntil != null && !now.isBefore(s.seedUntil)) {
        s.phase = NodeImagePhase.Complete;
        commands.add(new Stop(s.id.key()));
      }
    }
    return commands;
  }

  /** Whether {@code id} is the work the entry asks for now, and not yet Complete. */
  boolean isCurrent(JobId id) {
    State s = states.get(id.key());
    return s != null && s.id.equals(id) && s.phase != NodeImagePhase.Complete;
  }

  /** The current phase of an entry, if it has one. */
  Optional<NodeImagePhase> phase(String key) {
    return Optional.ofNullable(states.get(key)).map(s -> s.phase);
  }

  /** The jobs that should be running: entries neither Complete nor Failed. */
  List<JobId> active() {
    return states.values().stream()
        .filter(s -> s.phase != NodeImagePhase.Complete && s.phase != NodeImagePhase.Failed)
        .map(s -> s.id)
        .toList();
  }

  /** One status element per entry, in spec order. */
  List<NodeImageEntryStatus> report() {
    List<NodeImageEntryStatus> out = new ArrayList<>();
    for (State s : states.values()) {
      NodeImageEntryStatus r = new NodeImageEntryStatus();
      r.setKey(s.id.key());
      r.setUid(s.id.uid());
      r.setAttempt(s.id.attempt());
      r.setPhase(s.phase);
      r.setBytesDone(s.transfer.done());
      r.setBytesTotal(s.transfer.total());
      r.setBytesFromPeers(s.transfer.fromPeers());
      r.setBytesFromRegistry(s.transfer.fromRegistry());
      if (s.phase == NodeImagePhase.Failed) {
        r.setReason(s.reason);
        r.setMessage(s.message);
      }
      if (s.resolvedDigest != null) {
        r.setResolvedDigest(s.resolvedDigest);
        r.setLayers(new ArrayList<>(s.layers));
      }
      if (s.lastReport == null || !sameExceptTime(s.lastReport, r)) {
        s.lastUpdate = clock.instant();
      }
      r.setLastUpdate(s.lastUpdate == null ? clock.instant().toString() : s.lastUpdate.toString());
      s.lastReport = r;
      out.add(r);
    }
    return out;
  }

  private static boolean sameExceptTime(NodeImageEntryStatus a, NodeImageEntryStatus b) {
    return Objects.equals(a.getKey(), b.getKey())
        && Objects.equals(a.getUid(), b.getUid())
        && Objects.equals(a.getAttempt(), b.getAttempt())
        && a.getPhase() == b.getPhase()
        && Objects.equals(a.getBytesDone(), b.getBytesDone())
        && Objects.equals(a.getBytesTotal(), b.getBytesTotal())
        && Objects.equals(a.getBytesFromPeers(), b.getBytesFromPeers())
        && Objects.equals(a.getBytesFromRegistry(), b.getBytesFromRegistry())
        && Objects.equals(a.getReason(), b.getReason())
        && Objects.equals(a.getMessage(), b.getMessage())
        && Objects.equals(a.getResolvedDigest(), b.getResolvedDigest());
  }

  /** {@code seed.duration}; empty = seed while the entry exists (also when unparsable). */
  static Optional<Duration> seedDuration(NodeImageEntry e) {
    if (e.getSeed() == null || e.getSeed().getDuration() == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(SeedDurations.parse(e.getSeed().getDuration()));
    } catch (IllegalArgumentException ex) {
      return Optional.empty();
    }
  }

  private static Instant parse(String time) {
    try {
      return time == null ? null : Instant.parse(time);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static long nz(Long v) {
    return v == null ? 0 : v;
  }
}

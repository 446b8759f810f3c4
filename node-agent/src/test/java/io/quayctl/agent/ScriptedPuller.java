package io.quayctl.agent;

import io.quayctl.api.v1alpha1.NodeImageEntry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.awaitility.Awaitility;

/**
 * A puller whose jobs do nothing until the test makes them report, holding the blobs and showing
 * the transfer the test sets.
 */
final class ScriptedPuller implements Puller {
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final Map<JobId, Job> jobs = new ConcurrentHashMap<>();

  /** One job the agent started; the test emits its events and sets what it reports. */
  static final class Job implements PullJob {
    private final Consumer<PullEvent> events;
    volatile Transfer transfer = Transfer.NONE;
    volatile Set<String> blobs = Set.of();
    volatile boolean stopped;

    Job(Consumer<PullEvent> events) {
      this.events = events;
    }

    /** Reports {@code e} to the agent, as a real job's thread would. */
    void emit(PullEvent e) {
      events.accept(e);
    }

    @Override
    public Transfer transfer() {
      return transfer;
    }

    @Override
    public Set<String> blobs() {
      return blobs;
    }

    @Override
    public void stop(Set<String> stillNeeded) {
      stopped = true;
    }
  }

  /** Waits until the agent has started the job {@code id}. */
  Job await(JobId id) {
    return Awaitility.await().atMost(WAIT).until(() -> jobs.get(id), j -> j != null);
  }

  @Override
  public void start() {}

  @Override
  public PullJob start(JobId id, NodeImageEntry entry, Consumer<PullEvent> events) {
    Job j = new Job(events);
    jobs.put(id, j);
    return j;
  }

  @Override
  public SwarmSnapshot swarm() {
    return SwarmSnapshot.NONE;
  }

  @Override
  public boolean healthy() {
    return true;
  }

  @Override
  public void close() {}
}

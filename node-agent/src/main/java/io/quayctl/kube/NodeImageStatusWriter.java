package io.quayctl.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quayctl.api.v1alpha1.NodeImage;
import io.quayctl.api.v1alpha1.NodeImageEntryStatus;
import io.quayctl.api.v1alpha1.NodeImageStatus;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the status of this node's NodeImage from its own thread, so the agent's loop never waits
 * on the API server. Offers are coalesced: only the latest is written. A write goes out at once
 * when an element appears or disappears or changes phase, attempt or reason; progress alone is
 * written at most once per {@code minInterval}. Each write replaces {@code status} with the
 * NodeImage's current {@code resourceVersion} and retries on conflict (409) with a fresh read.
 */
public final class NodeImageStatusWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeImageStatusWriter.class);
  private static final int CONFLICT_RETRIES = 5;
  private static final Duration ERROR_BACKOFF = Duration.ofSeconds(2);

  private final KubernetesClient client;
  private final String nodeName;
  private final Clock clock;
  private final Duration minInterval;
  private final Object lock = new Object();
  private List<NodeImageEntryStatus> pending;
  private List<NodeImageEntryStatus> written;
  private Instant lastWrite = Instant.MIN;
  private long writes;
  private Thread thread;
  private boolean closed;

  /** A writer (not yet started) for the NodeImage named {@code nodeName}. */
  public NodeImageStatusWriter(
      KubernetesClient client, String nodeName, Clock clock, Duration minInterval) {
    this.client = client;
    this.nodeName = nodeName;
    this.clock = clock;
    this.minInterval = minInterval;
  }

  /** Starts the writer thread. */
  public void start() {
    synchronized (lock) {
      thread = new Thread(this::run, "nodeimage-status");
      thread.setDaemon(true);
      thread.start();
    }
  }

  /** Offers the full list of status elements this agent reports now. */
  public void offer(List<NodeImageEntryStatus> images) {
    synchronized (lock) {
      pending = List.copyOf(images);
      lock.notifyAll();
    }
  }

  /** Status writes that reached the API server. */
  public long writes() {
    synchronized (lock) {
      return writes;
    }
  }

  /**
   * Whether going from {@code before} to {@code after} must be written without waiting: an element
   * came or went, or changed phase, attempt, uid, reason or resolved digest.
   */
  public static boolean urgent(
      List<NodeImageEntryStatus> before, List<NodeImageEntryStatus> after) {
    if (before == null || before.size() != after.size()) {
      return true;
    }
    for (int i = 0; i < after.size(); i++) {
      NodeImageEntryStatus a = before.get(i);
      NodeImageEntryStatus b = after.get(i);
      if (!Objects.equals(a.getKey(), b.getKey())
          || a.getPhase() != b.getPhase()
          || !Objects.equals(a.getAttempt(), b.getAttempt())
          || !Objects.equals(a.getUid(), b.getUid())
          || !Objects.equals(a.getReason(), b.getReason())
          || !Objects.equals(a.getResolvedDigest(), b.getResolvedDigest())) {
        return true;
      }
    }
    return false;
  }

  private void run() {
    while (true) {
      List<NodeImageEntryStatus> next;
      synchronized (lock) {
        try {
          while (!closed && (pending == null || sameContent(pending, written))) {
            pending = null;
            lock.wait();
          }
          if (closed) {
            return;
          }
          if (!urgent(written, pending)) {
            long wait = Duration.between(clock.instant(), lastWrite.plus(minInterval)).toMillis();
            if (wait > 0) {
              lock.wait(wait);
              continue;
            }
          }
        } catch (InterruptedException e) {
          return;
        }
        next = pending;
        pending = null;
      }
      boolean ok = write(next);
      synchronized (lock) {
        if (ok) {
          written = next;
          lastWrite = clock.instant();
          writes++;
        } else if (pending == null) {
          pending = next;
        }
      }
      if (!ok) {
        try {
          Thread.sleep(ERROR_BACKOFF.toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** Writes the status; true when written (or nothing to write to), false to retry later. */
  private boolean write(List<NodeImageEntryStatus> images) {
    for (int attempt = 1; attempt <= CONFLICT_RETRIES; attempt++) {
      try {
        NodeImage current = client.resources(NodeImage.class).withName(nodeName).get();
        if (current == null) {
          // Only the operator creates NodeImages; without one there is nothing to report on.
          return true;
        }
        NodeImageStatus status = new NodeImageStatus();
        status.setImages(new ArrayList<>(images));
        if (current.getStatus() != null
            && sameContent(current.getStatus().getImages(), status.getImages())) {
          return true;
        }
        current.setStatus(status);
        client.resources(NodeImage.class).resource(current).updateStatus();
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
          log.debug("status of NodeImage {} changed meanwhile; retrying", nodeName);
          continue;
        }
        if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
          return true;
        }
        log.warn("writing the status of NodeImage {} failed: {}", nodeName, e.getMessage());
        return false;
      }
    }
    log.warn("writing the status of NodeImage {} kept conflicting; retrying later", nodeName);
    return false;
  }

  private boolean sameContent(List<NodeImageEntryStatus> a, List<NodeImageEntryStatus> b) {
    if (a == null || b == null) {
      return a == b;
    }
    var json = client.getKubernetesSerialization();
    return json.asJson(a).equals(json.asJson(b));
  }

  @Override
  public void close() {
    Thread t;
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
      t = thread;
    }
    if (t != null) {
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}

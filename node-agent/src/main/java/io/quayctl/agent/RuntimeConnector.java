package io.quayctl.agent;

import io.quayctl.runtime.ContainerRuntime;
import io.quayctl.runtime.ContainerRuntimes;
import java.io.IOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the container runtime on first use, so an agent that only seeds (a bastion whose entries
 * say {@code importToRuntime: false}) never needs one, and a runtime that is down fails the entries
 * that import rather than the agent.
 */
public final class RuntimeConnector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RuntimeConnector.class);

  private final ContainerRuntimes.Options options;
  private final Map<String, String> env;
  private ContainerRuntime runtime;

  /** A connector (nothing opened) for the runtime {@code options} select. */
  public RuntimeConnector(ContainerRuntimes.Options options, Map<String, String> env) {
    this.options = options;
    this.env = Map.copyOf(env);
  }

  /** The runtime, opened (and probed) the first time. */
  synchronized ContainerRuntime get() throws IOException {
    if (runtime == null) {
      ContainerRuntimes.Selection selection = ContainerRuntimes.open(options, env);
      log.info("container runtime: {}", selection.reason());
      runtime = selection.runtime();
    }
    return runtime;
  }

  /** False when the opened runtime no longer answers (a restarted daemon's new socket). */
  boolean healthy() {
    ContainerRuntime r;
    synchronized (this) {
      r = runtime;
    }
    if (r == null) {
      return true;
    }
    try {
      r.ping();
      return true;
    } catch (IOException e) {
      log.warn("container runtime {} does not answer: {}", r.name(), e.getMessage());
      return false;
    }
  }

  @Override
  public synchronized void close() {
    if (runtime != null) {
      try {
        runtime.close();
      } catch (IOException e) {
        log.debug("closing the runtime client failed", e);
      }
      runtime = null;
    }
  }
}

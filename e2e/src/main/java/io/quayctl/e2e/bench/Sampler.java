package io.quayctl.e2e.bench;

import io.quayctl.e2e.HostNet;
import io.quayctl.testing.TestNetwork;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples, once a second while a mode runs, how busy the machine's CPUs are, how fast the registry
 * link sends and how fast the disks write: the timeline that shows which one is the limit when.
 */
public final class Sampler implements AutoCloseable {
  /**
   * One second of the run.
   *
   * @param t seconds since the mode started
   * @param cpuBusy fraction of all cores busy (0..1)
   * @param iowait fraction of all cores waiting for I/O
   * @param registryMbit the registry link's send rate, Mbit/s
   * @param diskWriteMBps disk writes, MB/s
   * @param bridgeMbit what the bridge delivered to all hosts, Mbit/s (the fan-out)
   */
  public record Sample(
      double t,
      double cpuBusy,
      double iowait,
      double registryMbit,
      double diskWriteMBps,
      double bridgeMbit) {}

  private final TestNetwork.Host registry;
  private final long start;
  private final List<Sample> samples = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  private Sampler(TestNetwork.Host registry, long start) {
    this.registry = registry;
    this.start = start;
    this.thread = new Thread(this::run, "bench-sampler");
    this.thread.setDaemon(true);
  }

  /** Starts sampling; {@code startNanos} is the mode's t = 0. */
  public static Sampler start(TestNetwork.Host registry, long startNanos) {
    Sampler s = new Sampler(registry, startNanos);
    s.thread.start();
    return s;
  }

  private void run() {
    try {
      Probes.MachineCpu cpu = Probes.machineCpu();
      HostNet.Counters link = HostNet.counters(registry);
      Probes.Disk disk = Probes.disk();
      long bridge = Probes.bridgeDelivered(registry);
      long last = System.nanoTime();
      while (running) {
        Thread.sleep(1000);
        long now = System.nanoTime();
        Probes.MachineCpu c = Probes.machineCpu();
        HostNet.Counters l = HostNet.counters(registry);
        Probes.Disk d = Probes.disk();
        long b = Probes.bridgeDelivered(registry);
        double dt = (now - last) / 1e9;
        Probes.MachineCpu dc = c.since(cpu);
        double total = Math.max(1e-9, dc.total());
        synchronized (samples) {
          samples.add(
              new Sample(
                  (now - start) / 1e9,
                  dc.busy() / total,
                  dc.iowait() / total,
                  l.since(link).txBytes() * 8 / 1e6 / dt,
                  d.since(disk).writtenBytes() / 1e6 / dt,
                  (b - bridge) * 8 / 1e6 / dt));
          bridge = b;
        }
        cpu = c;
        link = l;
        disk = d;
        last = now;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | AssertionError e) {
      if (running) {
        System.err.println("bench: sampling stopped: " + e.getMessage());
      }
    }
  }

  /** The samples so far. */
  public List<Sample> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

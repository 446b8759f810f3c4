package io.quayctl.e2e.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quayctl.testing.HostCommand;
import io.quayctl.testing.TestNetwork;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Readings from {@code /proc} and from links inside host namespaces. */
public final class Probes {
  /** Clock ticks per second of {@code /proc/<pid>/stat} and {@code /proc/stat} (USER_HZ). */
  static final double TICKS = 100.0;

  private static final ObjectMapper JSON = new ObjectMapper();

  private Probes() {}

  /** The machine's CPU time by kind, in seconds summed over all cores ({@code /proc/stat}). */
  public record MachineCpu(
      double user, double system, double idle, double iowait, double softirq, double steal) {
    /** What was spent between {@code earlier} and this reading. */
    public MachineCpu since(MachineCpu earlier) {
      return new MachineCpu(
          user - earlier.user,
          system - earlier.system,
          idle - earlier.idle,
          iowait - earlier.iowait,
          softirq - earlier.softirq,
          steal - earlier.steal);
    }

    /** Busy seconds: everything except idle and iowait. */
    public double busy() {
      return user + system + softirq + steal;
    }

    /** All seconds. */
    public double total() {
      return busy() + idle + iowait;
    }
  }

  /** Reads the aggregate {@code cpu} line of {@code /proc/stat}. */
  public static MachineCpu machineCpu() throws IOException {
    String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
    String[] f = line.trim().split("\\s+");
    double user = (Long.parseLong(f[1]) + Long.parseLong(f[2])) / TICKS;
    double system = (Long.parseLong(f[3]) + Long.parseLong(f[6])) / TICKS;
    double idle = Long.parseLong(f[4]) / TICKS;
    double iowait = Long.parseLong(f[5]) / TICKS;
    double softirq = Long.parseLong(f[7]) / TICKS;
    double steal = f.length > 8 ? Long.parseLong(f[8]) / TICKS : 0;
    return new MachineCpu(user, system, idle, iowait, softirq, steal);
  }

  /** The 1-minute load average. */
  public static double loadAverage() throws IOException {
    return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
  }

  /** Bytes read and written by the machine's real disks ({@code /proc/diskstats}). */
  public record Disk(long readBytes, long writtenBytes) {
    public Disk since(Disk earlier) {
      return new Disk(readBytes - earlier.readBytes, writtenBytes - earlier.writtenBytes);
    }
  }

  /** Sums whole disks ({@code vd*}, {@code sd*}, {@code nvme*n*}), partitions left out. */
  public static Disk disk() throws IOException {
    long read = 0;
    long written = 0;
    for (String line : Files.readAllLines(Path.of("/proc/diskstats"))) {
      String[] f = line.trim().split("\\s+");
      String name = f[2];
      if (name.matches("(vd|sd|xvd)[a-z]+|nvme\\d+n\\d+")) {
        read += Long.parseLong(f[5]) * 512;
        written += Long.parseLong(f[9]) * 512;
      }
    }
    return new Disk(read, written);
  }

  /**
   * Bytes the bridge sent out of its ports ({@code v*} in the switch namespace next to {@code
   * host}'s): everything delivered to the hosts on the bridge.
   */
  public static long bridgeDelivered(TestNetwork.Host host) throws IOException {
    String ns = host.namespace();
    String sw = ns.substring(0, ns.length() - host.name().length()) + "sw";
    String out =
        HostCommand.run(Duration.ofSeconds(10), List.of("ip", "-n", sw, "-s", "-j", "link"))
            .orThrow();
    long sum = 0;
    for (JsonNode link : JSON.readTree(out)) {
      if (link.path("ifname").asText().startsWith("v")) {
        sum += link.get("stats64").get("tx").get("bytes").asLong();
      }
    }
    return sum;
  }

  /** CPU seconds (user + system) of every process in the given hosts' namespaces, by pid. */
  public static java.util.Map<Long, Double> cpuByPid(List<TestNetwork.Host> hosts)
      throws IOException {
    java.util.Map<Long, Double> out = new java.util.HashMap<>();
    for (TestNetwork.Host host : hosts) {
      String pids =
          HostCommand.run(Duration.ofSeconds(10), List.of("ip", "netns", "pids", host.namespace()))
              .orThrow();
      for (String p : pids.trim().split("\\s+")) {
        if (!p.isEmpty()) {
          proc(Long.parseLong(p)).ifPresent(r -> out.put(r.pid(), r.cpuSeconds()));
        }
      }
    }
    return out;
  }

  /** One process's resource use so far. */
  public record Proc(long pid, double cpuSeconds, long peakRssBytes, long writeBytes) {
    /** CPU and written bytes since {@code earlier}; the peak is this reading's. */
    public Proc since(Proc earlier) {
      return new Proc(
          pid, cpuSeconds - earlier.cpuSeconds, peakRssBytes, writeBytes - earlier.writeBytes);
    }
  }

  /** Reads {@code /proc/<pid>/stat} (utime + stime), {@code status} (VmHWM) and {@code io}. */
  public static Optional<Proc> proc(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // Fields after the command: state is f[0]; utime and stime are fields 14 and 15 of stat.
      double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS;
      long hwm = 0;
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmHWM:")) {
          hwm = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
      long written = 0;
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
        if (line.startsWith("write_bytes:")) {
          written = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
        }
      }
      return Optional.of(new Proc(pid, cpu, hwm, written));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** CPU seconds of every thread of {@code pid} by thread id, with the thread's name. */
  public record ThreadCpu(String name, double cpuSeconds) {}

  /** Reads {@code /proc/<pid>/task/<tid>/stat} of every thread (Java names its threads there). */
  public static java.util.Map<Long, ThreadCpu> threads(long pid) {
    java.util.Map<Long, ThreadCpu> out = new java.util.HashMap<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          out.put(
              Long.parseLong(task.getFileName().toString()),
              new ThreadCpu(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS));
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      // the process ended
    }
    return out;
  }

  /**
   * CPU seconds by thread-name group ({@code pull-job-3} and {@code pull-job-7} are {@code
   * pull-job-#}) spent between {@code before} and {@code after}; what threads that ended meanwhile
   * spent is {@code processCpu} minus the rest, under {@code (ended threads)}.
   */
  public static java.util.Map<String, Double> threadDelta(
      java.util.Map<Long, ThreadCpu> before,
      java.util.Map<Long, ThreadCpu> after,
      double processCpu) {
    java.util.Map<String, Double> out = new java.util.TreeMap<>();
    double sum = 0;
    for (var e : after.entrySet()) {
      ThreadCpu was = before.get(e.getKey());
      double d = e.getValue().cpuSeconds() - (was == null ? 0 : was.cpuSeconds());
      if (d > 0) {
        out.merge(e.getValue().name().replaceAll("[0-9]+", "#"), d, Double::sum);
        sum += d;
      }
    }
    if (processCpu - sum > 0.05) {
      out.put("(ended threads)", processCpu - sum);
    }
    return out;
  }

  /**
   * The pid of the process in {@code host}'s namespace whose command name is {@code comm} (e.g.
   * {@code java}, {@code containerd}), if exactly one runs there.
   */
  public static Optional<Long> pidIn(TestNetwork.Host host, String comm) throws IOException {
    String out =
        HostCommand.run(Duration.ofSeconds(10), List.of("ip", "netns", "pids", host.namespace()))
            .orThrow();
    List<Long> found = new ArrayList<>();
    for (String p : out.trim().split("\\s+")) {
      if (p.isEmpty()) {
        continue;
      }
      try {
        String name =
            Files.readString(Path.of("/proc/" + p + "/comm"), StandardCharsets.UTF_8).strip();
        if (name.equals(comm)) {
          found.add(Long.parseLong(p));
        }
      } catch (IOException e) {
        // gone meanwhile
      }
    }
    return found.size() == 1 ? Optional.of(found.get(0)) : Optional.empty();
  }
}

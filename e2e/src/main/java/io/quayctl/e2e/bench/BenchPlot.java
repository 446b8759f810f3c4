package io.quayctl.e2e.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The PNG plots: per-host completion against N for both modes, and the registry link over time. */
final class BenchPlot {
  private static final Color DIRECT = new Color(0xD6, 0x27, 0x28);
  private static final Color P2P = new Color(0x1F, 0x77, 0xB4);

  private BenchPlot() {}

  /** {@code completion.png}: one point per host, T_all lines, the floor and 1.3 x floor. */
  static Path completion(List<PhaseResult> phases, BenchOptions options, Path dir)
      throws IOException {
    long s = phases.stream().mapToLong(PhaseResult::imageBytes).max().orElse(options.size());
    XYChart chart =
        new XYChartBuilder()
            .width(1000)
            .height(650)
            .title(
                String.format(
                    Locale.ROOT,
                    "Time until each worker has the image (%.0f MiB, registry link %s)",
                    s / 1048576.0,
                    options.registryRate()))
            .xAxisTitle("workers N")
            .yAxisTitle("seconds since start")
            .build();
    chart.getStyler().setMarkerSize(7);
    chart.getStyler().setYAxisMin(0.0);
    List<Integer> ns = phases.stream().map(PhaseResult::workers).distinct().sorted().toList();
    int[] layerCounts = phases.stream().mapToInt(PhaseResult::layers).distinct().toArray();
    for (int layers : layerCounts) {
      String suffix = layerCounts.length > 1 ? " L=" + layers : "";
      for (String mode : new String[] {"direct", "P2P"}) {
        List<Double> hx = new ArrayList<>();
        List<Double> hy = new ArrayList<>();
        List<Double> tx = new ArrayList<>();
        List<Double> ty = new ArrayList<>();
        String label = mode;
        for (PhaseResult p : phases) {
          if (p.layers() != layers || !p.mode().startsWith(mode)) {
            continue;
          }
          label = p.mode();
          List<HostResult> workers =
              p.hosts().stream().filter(h -> h.role().equals("worker")).toList();
          for (int i = 0; i < workers.size(); i++) {
            double jitter = workers.size() == 1 ? 0 : 0.25 * (i / (workers.size() - 1.0) - 0.5);
            if (!Double.isNaN(workers.get(i).seconds())) {
              hx.add(p.workers() + jitter + (mode.equals("P2P") ? 0.08 : -0.08));
              hy.add(workers.get(i).seconds());
            }
          }
          if (p.ok()) {
            tx.add((double) p.workers());
            ty.add(p.allSeconds());
          }
        }
        Color color = mode.equals("P2P") ? P2P : DIRECT;
        if (!hx.isEmpty()) {
          XYSeries points = chart.addSeries(label + " per host" + suffix, hx, hy);
          points.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
          points.setMarker(SeriesMarkers.CIRCLE);
          points.setMarkerColor(color);
        }
        if (!tx.isEmpty()) {
          XYSeries line = chart.addSeries(label + " T_all" + suffix, tx, ty);
          line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
          line.setMarker(SeriesMarkers.DIAMOND);
          line.setLineColor(color);
          line.setMarkerColor(color);
        }
      }
    }
    if (!ns.isEmpty()) {
      double floor = options.registryRate().seconds(s);
      List<Double> x = List.of(ns.get(0) - 0.3, ns.get(ns.size() - 1) + 0.3);
      XYSeries f = chart.addSeries("floor S/B_reg", x, List.of(floor, floor));
      f.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
      f.setMarker(SeriesMarkers.NONE);
      f.setLineColor(Color.DARK_GRAY);
      XYSeries t = chart.addSeries("target 1.3 x floor", x, List.of(1.3 * floor, 1.3 * floor));
      t.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
      t.setMarker(SeriesMarkers.NONE);
      t.setLineColor(Color.GRAY);
    }
    Path file = dir.resolve("completion.png");
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    return file;
  }

  /** {@code timeline.png}: registry link rate and machine CPU over time, largest N, both modes. */
  static Path timeline(List<PhaseResult> phases, BenchOptions options, Path dir)
      throws IOException {
    int maxN = phases.stream().mapToInt(PhaseResult::workers).max().orElse(0);
    XYChart chart =
        new XYChartBuilder()
            .width(1000)
            .height(650)
            .title(
                "N="
                    + maxN
                    + ": registry link, bytes delivered over the bridge, machine CPU; per second")
            .xAxisTitle("seconds since start")
            .yAxisTitle("Mbit/s  |  CPU busy % x 2")
            .build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    chart.getStyler().setYAxisMin(0.0);
    for (PhaseResult p : phases) {
      if (p.workers() != maxN || p.timeline().isEmpty()) {
        continue;
      }
      String name =
          p.mode()
              + (phases.stream().mapToInt(PhaseResult::layers).distinct().count() > 1
                  ? " L=" + p.layers()
                  : "");
      Color color = p.mode().startsWith("P2P") ? P2P : DIRECT;
      List<Double> t = p.timeline().stream().map(Sampler.Sample::t).toList();
      XYSeries reg =
          chart.addSeries(
              name + " registry Mbit/s",
              t,
              p.timeline().stream().map(Sampler.Sample::registryMbit).toList());
      reg.setMarker(SeriesMarkers.NONE);
      reg.setLineColor(color);
      XYSeries bridge =
          chart.addSeries(
              name + " delivered to hosts Mbit/s",
              t,
              p.timeline().stream().map(Sampler.Sample::bridgeMbit).toList());
      bridge.setMarker(SeriesMarkers.NONE);
      bridge.setLineColor(color.darker());
      bridge.setLineStyle(SeriesLines.DASH_DASH);
      XYSeries cpu =
          chart.addSeries(
              name + " CPU busy % x 2",
              t,
              p.timeline().stream().map(x -> x.cpuBusy() * 200).toList());
      cpu.setMarker(SeriesMarkers.NONE);
      cpu.setLineColor(color.brighter().brighter());
    }
    double rate = options.registryRate().bitsPerSecond() / 1e6;
    Path file = dir.resolve("timeline.png");
    double end =
        phases.stream()
            .filter(p -> p.workers() == maxN)
            .flatMap(p -> p.timeline().stream())
            .mapToDouble(Sampler.Sample::t)
            .max()
            .orElse(-1);
    if (end < 0) {
      return null;
    }
    XYSeries limit = chart.addSeries("B_reg", List.of(0.0, end), List.of(rate, rate));
    limit.setMarker(SeriesMarkers.NONE);
    limit.setLineColor(Color.DARK_GRAY);
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    return file;
  }
}

package io.quayctl.operator.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.quayctl.tracker.AnnounceRequest;
import io.quayctl.tracker.Peer;
import io.quayctl.tracker.RandomPeerSelector;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ZonePeerSelectorTest {
  private static final Map<String, String> ZONES =
      NodeZones.zonesByAddress(
          List.of(
              node("a1", "zone-a", "10.0.0.1"),
              node("a2", "zone-a", "10.0.0.2"),
              node("a3", "zone-a", "10.0.0.3"),
              node("b1", "zone-b", "10.0.1.1"),
              node("b2", "zone-b", "10.0.1.2"),
              node("unlabelled", null, "10.0.2.1")));

  private final ZonePeerSelector selector =
      new ZonePeerSelector(
          ip -> Optional.ofNullable(ZONES.get(ip.getHostAddress())),
          new RandomPeerSelector(new Random(7)));

  @Test
  void sameZonePeersComeFirstThenTheRest() throws Exception {
    List<Peer> swarm = peers("10.0.1.1", "10.0.0.2", "10.0.2.1", "10.0.1.2", "10.0.0.3");
    List<Peer> chosen = selector.select(announce("10.0.0.1", 1000), swarm, 10);
    assertThat(chosen).hasSize(5);
    assertThat(chosen.subList(0, 2))
        .extracting(p -> p.ip().getHostAddress())
        .containsExactlyInAnyOrder("10.0.0.2", "10.0.0.3");

    List<Peer> two = selector.select(announce("10.0.1.2", 1000), swarm, 2);
    assertThat(two).extracting(p -> p.ip().getHostAddress()).startsWith("10.0.1.1").hasSize(2);
  }

  @Test
  void anAnnouncerOfUnknownZoneGetsARandomSampleAndSeedersGetOnlyDownloaders() throws Exception {
    List<Peer> swarm = peers("10.0.0.2", "10.0.1.1");
    assertThat(selector.select(announce("192.168.9.9", 1000), swarm, 1)).hasSize(1);

    List<Peer> mixed = new ArrayList<>(swarm);
    mixed.add(new Peer("c".repeat(40), addr("10.0.0.3"), 0, Instant.EPOCH));
    assertThat(selector.select(announce("10.0.0.1", 0), mixed, 10))
        .extracting(p -> p.ip().getHostAddress())
        .containsExactlyInAnyOrder("10.0.0.2", "10.0.1.1");
  }

  @Test
  void zonesComeFromInternalAndExternalAddressesOfLabelledNodes() {
    assertThat(ZONES)
        .containsEntry("10.0.0.1", "zone-a")
        .containsEntry("10.0.1.2", "zone-b")
        .doesNotContainKey("10.0.2.1");
  }

  private static Node node(String name, String zone, String ip) {
    NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name).endMetadata();
    if (zone != null) {
      b.editMetadata().addToLabels(NodeZones.ZONE_LABEL, zone).endMetadata();
    }
    return b.withNewStatus()
        .addNewAddress()
        .withType("InternalIP")
        .withAddress(ip)
        .endAddress()
        .addNewAddress()
        .withType("Hostname")
        .withAddress(name)
        .endAddress()
        .endStatus()
        .build();
  }

  private static List<Peer> peers(String... ips) throws Exception {
    List<Peer> out = new ArrayList<>();
    int i = 0;
    for (String ip : ips) {
      out.add(new Peer(String.format("%040d", i++), addr(ip), 100, Instant.EPOCH));
    }
    return out;
  }

  private static InetSocketAddress addr(String ip) throws Exception {
    return new InetSocketAddress(InetAddress.getByName(ip), 6881);
  }

  private static AnnounceRequest announce(String ip, long left) throws Exception {
    return new AnnounceRequest(
        "a".repeat(40),
        "b".repeat(40),
        addr(ip),
        left,
        AnnounceRequest.Event.NONE,
        Optional.empty(),
        true,
        false);
  }
}

package io.quayctl.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TrackerServerTest {
  private static final String HASH = "0123456789abcdef0123456789abcdef01234567";

  private final MutableClock clock = new MutableClock();
  private final HttpClient http = HttpClient.newHttpClient();
  private TrackerServer tracker;

  @BeforeEach
  void start() throws IOException {
    tracker =
        TrackerServer.builder()
            .interval(Duration.ofSeconds(10))
            .clock(clock)
            .peerSelector(new RandomPeerSelector(new Random(1)))
            .build();
    tracker.start();
  }

  @AfterEach
  void stop() {
    tracker.close();
  }

  private static String peerId(int n) {
    return String.format("%040x", n);
  }

  private Map<String, Object> announce(String peerId, int port, long left, String extra)
      throws Exception {
    String q =
        "info_hash="
            + pct(HASH)
            + "&peer_id="
            + pct(peerId)
            + "&port="
            + port
            + "&uploaded=0&downloaded=0&left="
            + left
            + extra;
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(tracker.baseUri().resolve("announce?" + q)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    return Bencode.decodeDictionary(r.body());
  }

  /** Percent-encodes every byte of a hex string's binary value, as clients do. */
  private static String pct(String hex) {
    StringBuilder sb = new StringBuilder();
    for (byte b : HexFormat.of().parseHex(hex)) {
      sb.append('%').append(String.format("%02X", b & 0xff));
    }
    return sb.toString();
  }

  private static List<Integer> compactPorts(Map<String, Object> response) {
    byte[] peers = (byte[]) response.get("peers");
    assertThat(peers.length % 6).isZero();
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < peers.length; i += 6) {
      assertThat(new byte[] {peers[i], peers[i + 1], peers[i + 2], peers[i + 3]})
          .containsExactly(127, 0, 0, 1);
      ports.add(((peers[i + 4] & 0xff) << 8) | (peers[i + 5] & 0xff));
    }
    return ports;
  }

  @Test
  void returnsOtherPeersFromTheSameAddressInCompactForm() throws Exception {
    Map<String, Object> first = announce(peerId(1), 7001, 0, "&event=started&compact=1");
    assertThat(compactPorts(first)).isEmpty();
    assertThat(first.get("interval")).isEqualTo(10L);

    announce(peerId(2), 7002, 100, "&event=started&compact=1");
    Map<String, Object> third = announce(peerId(3), 7003, 100, "&event=started");
    assertThat(compactPorts(third)).containsExactlyInAnyOrder(7001, 7002);
    assertThat(third.get("complete")).isEqualTo(1L);
    assertThat(third.get("incomplete")).isEqualTo(2L);
    assertThat(tracker.metrics().announces()).isEqualTo(3);
    assertThat(tracker.metrics().swarms()).containsEntry(HASH, new SwarmStats(1, 2, 0));
  }

  @Test
  void seedersAreGivenOnlyDownloaders() throws Exception {
    announce(peerId(1), 7001, 0, "");
    announce(peerId(2), 7002, 0, "");
    announce(peerId(3), 7003, 50, "");
    assertThat(compactPorts(announce(peerId(1), 7001, 0, ""))).containsExactly(7003);
  }

  @Test
  void nonCompactListCarriesPeerIdsUnlessAskedNot() throws Exception {
    announce(peerId(1), 7001, 0, "");
    Map<String, Object> r = announce(peerId(2), 7002, 10, "&compact=0");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> peers = (List<Map<String, Object>>) r.get("peers");
    assertThat(peers).hasSize(1);
    assertThat(new String((byte[]) peers.get(0).get("ip"), StandardCharsets.UTF_8))
        .isEqualTo("127.0.0.1");
    assertThat(peers.get(0).get("port")).isEqualTo(7001L);
    assertThat(HexFormat.of().formatHex((byte[]) peers.get(0).get("peer id"))).isEqualTo(peerId(1));

    Map<String, Object> noId = announce(peerId(2), 7002, 10, "&compact=0&no_peer_id=1");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> peers2 = (List<Map<String, Object>>) noId.get("peers");
    assertThat(peers2.get(0)).doesNotContainKey("peer id");
  }

  @Test
  void numwantLimitsTheReply() throws Exception {
    for (int i = 1; i <= 10; i++) {
      announce(peerId(i), 7000 + i, 10, "");
    }
    assertThat(compactPorts(announce(peerId(11), 7011, 10, "&numwant=3"))).hasSize(3);
    assertThat(compactPorts(announce(peerId(11), 7011, 10, "&numwant=0"))).isEmpty();
  }

  @Test
  void stoppedAndExpiredPeersLeaveTheSwarm() throws Exception {
    announce(peerId(1), 7001, 0, "&event=started");
    announce(peerId(2), 7002, 10, "&event=started");
    announce(peerId(2), 7002, 0, "&event=stopped");
    assertThat(tracker.swarm(HASH)).isEqualTo(new SwarmStats(1, 0, 0));

    // Peer 1 misses two announces (2 x 10 s + grace); peer 3 keeps announcing.
    announce(peerId(3), 7003, 10, "&event=started");
    clock.advance(Duration.ofSeconds(14));
    announce(peerId(3), 7003, 10, "");
    clock.advance(Duration.ofSeconds(12));
    Map<String, Object> r = announce(peerId(3), 7003, 10, "");
    assertThat(compactPorts(r)).isEmpty();
    assertThat(tracker.metrics().swarms()).containsEntry(HASH, new SwarmStats(0, 1, 0));
  }

  @Test
  void countsCompletionsAndScrapes() throws Exception {
    announce(peerId(1), 7001, 10, "&event=started");
    announce(peerId(1), 7001, 0, "&event=completed");
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(tracker.baseUri().resolve("scrape?info_hash=" + pct(HASH)))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    Map<String, Object> files =
        Bencode.dictionary(Bencode.decodeDictionary(r.body()), "files").orElseThrow();
    assertThat(files).hasSize(1);
    byte[] raw = Bencode.rawValue(r.body(), "files").orElseThrow();
    assertThat(new String(raw, StandardCharsets.ISO_8859_1))
        .contains(new String(HexFormat.of().parseHex(HASH), StandardCharsets.ISO_8859_1))
        .contains("8:completei1e")
        .contains("10:downloadedi1e");
  }

  @Test
  void malformedAnnounceGetsAFailureReason() throws Exception {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(tracker.baseUri().resolve("announce?info_hash=%01&port=1"))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(Bencode.string(Bencode.decodeDictionary(r.body()), "failure reason"))
        .hasValueSatisfying(m -> assertThat(m).contains("info_hash"));
    assertThat(tracker.metrics().rejectedAnnounces()).isEqualTo(1);
  }

  // ---- index ----

  static byte[] torrent(String hex, boolean isPrivate, String name) throws Exception {
    byte[] content = new byte[40000];
    new Random(7).nextBytes(content);
    int pieceLength = 16384;
    MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
    java.io.ByteArrayOutputStream pieces = new java.io.ByteArrayOutputStream();
    for (int off = 0; off < content.length; off += pieceLength) {
      sha1.update(content, off, Math.min(pieceLength, content.length - off));
      pieces.writeBytes(sha1.digest());
    }
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("length", (long) content.length);
    info.put("name", name == null ? hex : name);
    info.put("piece length", (long) pieceLength);
    info.put("pieces", pieces.toByteArray());
    if (isPrivate) {
      info.put("private", 1L);
    }
    return Bencode.encode(Map.of("info", info));
  }

  private static final String HEX = "a".repeat(64);
  private static final String DIGEST = "sha256:" + HEX;

  @Test
  void indexStoresAndServesMetainfo() throws Exception {
    IndexClient client = new IndexClient(tracker.baseUri());
    assertThat(client.torrent(DIGEST)).isEmpty();
    byte[] t = torrent(HEX, true, null);
    String infoHash = client.putTorrent(DIGEST, t);
    byte[] info = Bencode.rawValue(t, "info").orElseThrow();
    assertThat(infoHash)
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(info)));
    byte[] served = client.torrent(DIGEST).orElseThrow();
    assertThat(IndexedTorrent.parse(DIGEST, served).infoHash()).isEqualTo(infoHash);
    assertThat(Bencode.string(Bencode.decodeDictionary(served), "announce"))
        .contains(tracker.announceUrl());
    assertThat(Bencode.rawValue(served, "info"))
        .hasValueSatisfying(i -> assertThat(i).isEqualTo(info));
    // Registering the same metainfo again is fine.
    assertThat(client.putTorrent(DIGEST, t)).isEqualTo(infoHash);
  }

  @Test
  void indexRejectsMetainfoThatDoesNotFitTheBlob() throws Exception {
    IndexClient client = new IndexClient(tracker.baseUri());
    assertThatThrownBy(() -> client.putTorrent(DIGEST, torrent(HEX, false, null)))
        .hasMessageContaining("HTTP 400")
        .hasMessageContaining("not private");
    assertThatThrownBy(() -> client.putTorrent(DIGEST, torrent(HEX, true, "b".repeat(64))))
        .hasMessageContaining("does not match the digest");
    assertThatThrownBy(() -> client.putTorrent(DIGEST, "garbage".getBytes()))
        .hasMessageContaining("HTTP 400");
    client.putTorrent(DIGEST, torrent(HEX, true, null));
    Map<String, Object> other =
        new LinkedHashMap<>(Bencode.decodeDictionary(torrent(HEX, true, null)));
    Map<String, Object> info = new LinkedHashMap<>(Bencode.dictionary(other, "info").orElseThrow());
    info.put("piece length", 32768L);
    info.put("pieces", new byte[40]);
    other.put("info", info);
    assertThatThrownBy(() -> client.putTorrent(DIGEST, Bencode.encode(other)))
        .hasMessageContaining("HTTP 409");
  }

  @Test
  void indexAddsTheAdvertisedAnnounceOutsideInfo() throws Exception {
    try (TrackerServer t2 =
        TrackerServer.builder().advertisedAnnounceUrl("http://tracker:6969/announce").build()) {
      t2.start();
      IndexClient client = new IndexClient(t2.baseUri());
      byte[] t = torrent(HEX, true, null);
      String infoHash = client.putTorrent(DIGEST, t);
      byte[] served = client.torrent(DIGEST).orElseThrow();
      assertThat(Bencode.string(Bencode.decodeDictionary(served), "announce"))
          .contains("http://tracker:6969/announce");
      assertThat(IndexedTorrent.parse(DIGEST, served).infoHash()).isEqualTo(infoHash);
    }
  }

  @Test
  void indexStoresManifestsPerReferenceAndPlatform() throws Exception {
    IndexClient client = new IndexClient(tracker.baseUri());
    String ref = "registry.example:5000/team/app:1.0";
    byte[] amd64 = "{\"schemaVersion\":2,\"a\":1}".getBytes(StandardCharsets.UTF_8);
    byte[] arm64 = "{\"schemaVersion\":2,\"a\":2}".getBytes(StandardCharsets.UTF_8);
    String type = "application/vnd.oci.image.manifest.v1+json";
    String d1 = client.putImage(ref, "linux/amd64", type, amd64);
    client.putImage(ref, "linux/arm64", type, arm64);
    assertThat(d1)
        .isEqualTo(
            "sha256:"
                + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(amd64)));
    IndexedImage got = client.image(ref, "linux/amd64").orElseThrow();
    assertThat(got.manifest()).isEqualTo(amd64);
    assertThat(got.mediaType()).isEqualTo(type);
    assertThat(got.digest()).isEqualTo(d1);
    assertThat(client.image(ref, "linux/arm64").orElseThrow().manifest()).isEqualTo(arm64);
    assertThat(client.image(ref, null)).isEmpty();
    assertThat(client.image("docker.io/library/other:1", "linux/amd64")).isEmpty();
    assertThatThrownBy(() -> client.putImage(ref, "linux amd64", type, amd64))
        .hasMessageContaining("HTTP 400");
  }

  @Test
  void reportsItsEphemeralPort() {
    assertThat(tracker.port()).isPositive();
    assertThat(tracker.announceUrl()).isEqualTo("http://127.0.0.1:" + tracker.port() + "/announce");
    assertThat(URI.create(tracker.announceUrl()).getPath()).isEqualTo("/announce");
  }
}

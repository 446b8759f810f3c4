package io.quayctl.tracker;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed announce (BEP 3): who is asking, for which swarm, and what it wants back.
 *
 * @param infoHash the swarm's 20-byte infohash, hex-encoded
 * @param peerId the announcing peer's 20-byte id, hex-encoded
 * @param address the peer's address: the request's source IP and the announced port
 * @param left bytes the peer still needs
 * @param event the announce event
 * @param numwant how many peers it asked for, if it said
 * @param compact whether it accepts the compact peer list (BEP 23)
 * @param noPeerId whether it asked to leave peer ids out of a non-compact list
 */
public record AnnounceRequest(
    String infoHash,
    String peerId,
    InetSocketAddress address,
    long left,
    Event event,
    Optional<Integer> numwant,
    boolean compact,
    boolean noPeerId) {

  /** The {@code event} parameter of an announce. */
  public enum Event {
    /** A regular announce. */
    NONE,
    STARTED,
    COMPLETED,
    STOPPED;

    static Event parse(String text) {
      return switch (text) {
        case "", "empty", "paused" -> NONE;
        case "started" -> STARTED;
        case "completed" -> COMPLETED;
        case "stopped" -> STOPPED;
        default -> throw new IllegalArgumentException("unknown event \"" + text + "\"");
      };
    }
  }

  /**
   * Builds a request from decoded query parameters and the connection's source address; the {@code
   * ip} parameter is ignored so a peer cannot announce someone else.
   */
  static AnnounceRequest parse(Map<String, List<byte[]>> query, InetAddress source) {
    byte[] infoHash = binary(query, "info_hash");
    byte[] peerId = binary(query, "peer_id");
    long port = number(query, "port").orElseThrow(() -> missing("port"));
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("invalid port " + port);
    }
    long left = number(query, "left").orElse(-1L);
    Event event = text(query, "event").map(Event::parse).orElse(Event.NONE);
    Optional<Integer> numwant =
        number(query, "numwant").map(n -> (int) Math.max(0, Math.min(n, Integer.MAX_VALUE)));
    boolean compact = text(query, "compact").map(c -> !c.equals("0")).orElse(true);
    boolean noPeerId = text(query, "no_peer_id").map(c -> c.equals("1")).orElse(false);
    return new AnnounceRequest(
        HexFormat.of().formatHex(infoHash),
        HexFormat.of().formatHex(peerId),
        new InetSocketAddress(source, (int) port),
        left,
        event,
        numwant,
        compact,
        noPeerId);
  }

  static byte[] binary(Map<String, List<byte[]>> query, String name) {
    List<byte[]> values = query.get(name);
    if (values == null || values.isEmpty()) {
      throw missing(name);
    }
    byte[] v = values.get(0);
    if (v.length != 20) {
      throw new IllegalArgumentException(name + " must be 20 bytes, was " + v.length);
    }
    return v;
  }

  private static Optional<String> text(Map<String, List<byte[]>> query, String name) {
    List<byte[]> values = query.get(name);
    if (values == null || values.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new String(values.get(0), java.nio.charset.StandardCharsets.UTF_8));
  }

  private static Optional<Long> number(Map<String, List<byte[]>> query, String name) {
    return text(query, name)
        .map(
            t -> {
              try {
                return Long.parseLong(t);
              } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " is not a number: \"" + t + "\"");
              }
            });
  }

  private static IllegalArgumentException missing(String name) {
    return new IllegalArgumentException("missing parameter " + name);
  }
}

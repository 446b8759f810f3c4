package io.quayctl.squash;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Which entries of an image's layer tars survive in its squashed filesystem, worked out from the
 * entry headers alone (first pass, no content kept): layers are applied bottom first with the OCI
 * whiteout rules, so a path's last writer wins, {@code .wh.NAME} removes NAME and everything under
 * it from the layers below, {@code .wh..wh..opq} empties its directory of what the layers below put
 * there, and a non-directory replacing a directory hides the directory's contents.
 *
 * <p>A hard link needs its target earlier in the archive. A link whose target was later replaced or
 * removed is written as a regular file with the content the target had when the link was made (see
 * {@link #materialized}).
 *
 * <p>An entry is named by its position: layer index and ordinal within that layer's tar.
 */
final class LayerPlan {
  private static final String WHITEOUT = ".wh.";
  private static final String OPAQUE = ".wh..wh..opq";

  enum Kind {
    DIRECTORY,
    FILE,
    HARD_LINK,
    OTHER
  }

  /** The last writer of a path so far. */
  private record Node(long ref, Kind kind, String linkTarget, long source) {}

  private final NavigableMap<String, Node> tree = new TreeMap<>();
  private int whiteouts;
  private int entries;

  /** A position: layer in the high half, ordinal in the low half (both non-negative). */
  static long ref(int layer, int ordinal) {
    return ((long) layer << 32) | (ordinal & 0xffffffffL);
  }

  static int layerOf(long ref) {
    return (int) (ref >>> 32);
  }

  static int ordinalOf(long ref) {
    return (int) ref;
  }

  /**
   * Records one entry of layer {@code layer} (layers must be added bottom first, entries in archive
   * order). {@code path} is normalised ({@link #normalize}); {@code linkTarget} is the normalised
   * target of a hard link, else null.
   */
  void add(int layer, int ordinal, String path, Kind kind, String linkTarget) {
    entries++;
    long ref = ref(layer, ordinal);
    int slash = path.lastIndexOf('/');
    String parent = slash < 0 ? "" : path.substring(0, slash);
    String name = path.substring(slash + 1);
    if (name.equals(OPAQUE)) {
      whiteouts++;
      removeBelow(parent, layer);
      return;
    }
    if (name.startsWith(WHITEOUT)) {
      whiteouts++;
      String target = (parent.isEmpty() ? "" : parent + "/") + name.substring(WHITEOUT.length());
      Node existing = tree.get(target);
      if (existing != null && layerOf(existing.ref) < layer) {
        tree.remove(target);
      }
      removeBelow(target, layer);
      return;
    }
    long source = -1;
    if (kind == Kind.HARD_LINK) {
      Node target = tree.get(linkTarget);
      if (target != null) {
        source = target.kind == Kind.HARD_LINK ? target.source : target.ref;
      }
    }
    if (kind != Kind.DIRECTORY) {
      removeBelow(path, layer);
    }
    tree.put(path, new Node(ref, kind, linkTarget, source));
  }

  /** Removes what layers below {@code layer} put under directory {@code dir} ("" = the root). */
  private void removeBelow(String dir, int layer) {
    NavigableMap<String, Node> under =
        dir.isEmpty() ? tree : tree.subMap(dir + "/", true, dir + "0", false);
    Iterator<Node> it = under.values().iterator();
    while (it.hasNext()) {
      if (layerOf(it.next().ref) < layer) {
        it.remove();
      }
    }
  }

  /** The outcome: what to write, and from where. */
  Result result() {
    Map<Integer, BitSet> emit = new HashMap<>();
    Map<Long, Long> materialized = new HashMap<>();
    int brokenLinks = 0;
    for (Node node : tree.values()) {
      if (node.kind == Kind.HARD_LINK) {
        Node target = tree.get(node.linkTarget);
        boolean intact =
            target != null
                && node.source >= 0
                && target.ref < node.ref
                && (target.kind == Kind.HARD_LINK ? target.source : target.ref) == node.source;
        if (!intact) {
          if (node.source < 0) {
            brokenLinks++;
            continue;
          }
          materialized.put(node.ref, node.source);
        }
      }
      emit.computeIfAbsent(layerOf(node.ref), l -> new BitSet()).set(ordinalOf(node.ref));
    }
    return new Result(emit, materialized, entries, tree.size(), whiteouts, brokenLinks);
  }

  /**
   * What the second pass writes.
   *
   * @param emit per layer, the ordinals of the entries to write
   * @param materialized hard links to write as regular files: link position to the position of the
   *     regular file whose content they carry
   * @param entriesRead entries in all layers, whiteouts included
   * @param entriesKept entries in the squashed layer
   * @param whiteouts whiteout and opaque markers applied
   * @param brokenLinks hard links to a path that did not exist, dropped
   */
  record Result(
      Map<Integer, BitSet> emit,
      Map<Long, Long> materialized,
      int entriesRead,
      int entriesKept,
      int whiteouts,
      int brokenLinks) {

    boolean emits(int layer, int ordinal) {
      BitSet b = emit.get(layer);
      return b != null && b.get(ordinal);
    }
  }

  /**
   * A tar member name as a path relative to the root: no leading {@code ./} or {@code /}, no
   * trailing {@code /}, no {@code .} components; "" for the root itself. A name that climbs out of
   * the root ({@code ..}) is refused.
   */
  static String normalize(String name) {
    StringBuilder out = new StringBuilder(name.length());
    for (String part : name.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new IllegalArgumentException("tar entry \"" + name + "\" climbs out of the root");
      }
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(part);
    }
    return out.toString();
  }
}

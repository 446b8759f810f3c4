/**
 * Seam for the embedded BitTorrent tracker and metainfo index. The implementation comes from the
 * shared {@code tracker} module; until then {@code OperatorMain --tracker-port} is refused and
 * agents are pointed at an external tracker through {@code spec.trackers}.
 */
package io.quayctl.operator.tracker;

/**
 * The fan-out benchmark: every worker pulling one image straight from a shaped registry link,
 * against the same workers getting it through the swarm (ImagePull, bastion and agents), in one run
 * on the cluster in a box. {@link io.quayctl.e2e.bench.BenchMain} runs it; {@code scripts/bench}
 * wraps it.
 */
package io.quayctl.e2e.bench;

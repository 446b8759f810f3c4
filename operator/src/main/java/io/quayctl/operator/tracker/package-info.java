/**
 * The tracker (BEP 3 announce with compact peer lists) and metainfo index the operator serves to
 * the agents, handing out peers in the announcing node's zone first, and the EndpointSlice that
 * routes the tracker Service to the leading operator.
 */
package io.quayctl.operator.tracker;

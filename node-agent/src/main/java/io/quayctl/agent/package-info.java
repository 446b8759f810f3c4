/**
 * The node agent's daemon mode ({@code quayctl agent}): one event-loop thread owns the state of
 * every NodeImage entry of this node; watch events, job progress and timer ticks are queued to it.
 * Jobs (resolve, fetch, import) run elsewhere and only post events.
 */
package io.quayctl.agent;

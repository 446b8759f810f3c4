package io.quayctl.agent;

/**
 * Which piece of work a job does: one attempt of one entry of one ImagePull. Events of a job whose
 * id no longer matches the entry are stale and dropped.
 *
 * @param key the entry's key ({@code namespace/name} of the ImagePull)
 * @param uid the ImagePull's uid
 * @param attempt the entry's attempt
 */
public record JobId(String key, String uid, int attempt) {}

package dev.duro.scenarios.ping;

import dev.duro.model.world.NodeId;

/**
 * What the ping nodes report to the scenario's checker (the checker's "ghost" view; it does not
 * influence the protocol). Calls happen on the reporting node's loop.
 */
interface PingObserver {
    /** Sender incarnation {@code session} of {@code from} created message {@code seq} for {@code to}. */
    void created(NodeId from, long session, NodeId to, int seq, byte[] payload);

    /** {@code receiver} (incarnation {@code receiverSession}) delivered message {@code seq} of {@code senderSession} to its user. */
    void delivered(NodeId receiver, long receiverSession, NodeId from, long senderSession, int seq, byte[] payload);
}

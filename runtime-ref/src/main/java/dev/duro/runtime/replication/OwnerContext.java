package dev.duro.runtime.replication;

import dev.duro.model.world.NodeId;
import dev.duro.model.world.World;
import dev.duro.runtime.PlantedBug;
import dev.duro.runtime.replication.Message.Request;

/** What an {@link OwnerLog} needs from its node's {@link Replication}. */
interface OwnerContext {
    World world();

    Timing timing();

    /** Replicas whose durable acknowledgement makes a write durable. */
    int quorum();

    boolean has(PlantedBug bug);

    /** Sends {@code request} to {@code to} (this node's own replica directly, without the network). */
    void send(NodeId to, Request request);

    /** A round above every round this node has seen for {@code key}. */
    long nextRound(ObjectKey key);

    void sawRound(ObjectKey key, long round);

    /** Uniform in {@code [0, bound)}, for backoff jitter. */
    long jitter(long bound);

    /** A fresh nonce for an epoch, so no two handles ever share one. */
    long nonce();

    /** The handle ended: route no more answers to it. */
    void closed(OwnerLog handle);
}

package dev.duro.runtime.cluster;

import dev.duro.model.object.ObjectId;
import dev.duro.model.world.NodeId;

import java.util.Objects;

/**
 * Messages between the runtime nodes of a cluster, family {@link ClusterCodec#FAMILY} (docs/cluster.md).
 * Forwarding relays a client's gateway frame byte for byte, so the owner's gateway decodes,
 * deduplicates and answers it exactly as if the client had sent it there.
 */
sealed interface ClusterMessage {

    /** "I am up": sent every heartbeat period to every other member; the failure detector's input. */
    record Heartbeat() implements ClusterMessage {
    }

    /**
     * Forwarding node → owner: the request frame {@code frame} (a gateway {@code FetchById} whose
     * request id is the client's own) that client {@code client} sent to the forwarding node.
     * {@code forwardId} names this forward at the forwarding node.
     */
    record Forward(long forwardId, NodeId client, byte[] frame) implements ClusterMessage {
        public Forward {
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(frame, "frame");
        }
    }

    /**
     * Replica → the object's preferred owner, after a change of view: "you own this object now;
     * activate it so its alarm is armed". The owner may lack a copy of its own (it missed the
     * writes a majority acknowledged) and so not know the object from its own listing.
     */
    record Activate(String namespace, ObjectId id) implements ClusterMessage {
        public Activate {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(id, "id");
        }
    }

    /** Owner → forwarding node: the gateway frame answering forward {@code forwardId}, for the client. */
    record ForwardReply(long forwardId, byte[] frame) implements ClusterMessage {
        public ForwardReply {
            Objects.requireNonNull(frame, "frame");
        }
    }
}

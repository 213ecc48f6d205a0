package dev.duro.runtime.cluster;

import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.websocket.WebSocketMessage;
import dev.duro.model.world.NodeId;

import java.util.Objects;

/**
 * Messages between the runtime nodes of a cluster, family {@link ClusterCodec#FAMILY} (docs/cluster.md).
 * Forwarding is a message of its own (namespace, id, request), not a client's frame: a node's front
 * door routes every call to the object's owner, whatever edge protocol the call came in on.
 */
sealed interface ClusterMessage {

    /**
     * "I am up": sent every heartbeat period to every other member; the failure detector's input.
     * {@code incarnation} names the sender's current incarnation (a random non-zero number drawn at
     * each start), which forwards to it are stamped with (see {@link Forward}).
     */
    record Heartbeat(long incarnation) implements ClusterMessage {
    }

    /**
     * Forwarding node → owner: run {@code request} on object {@code (namespace, id)}. {@code forwardId}
     * names this forward at the forwarding node (unique per incarnation of it); the owner runs a
     * forward at most once per (sender, forward id). {@code ownerIncarnation} is the incarnation of
     * the owner the sender addresses (0: not known yet); an owner runs only forwards stamped with
     * its own incarnation and refuses the others without running them, so a forward that reaches
     * a later incarnation of its owner (a duplicate, a frame queued across a reconnect) never runs
     * twice because the restarted owner forgot it. {@code senderIncarnation} is the sender's own
     * incarnation: a WebSocket the forward opens lives only as long as that incarnation (see
     * {@link SocketFrame}).
     */
    record Forward(long forwardId, long ownerIncarnation, long senderIncarnation, String namespace, ObjectId id, Request request)
            implements ClusterMessage {
        public Forward {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(request, "request");
        }
    }

    /** Owner → forwarding node: the outcome of forward {@code forwardId}. */
    record ForwardReply(long forwardId, Outcome outcome) implements ClusterMessage {
        public ForwardReply {
            Objects.requireNonNull(outcome, "outcome");
        }
    }

    /** What became of a forward. */
    sealed interface Outcome {
    }

    /** The object answered. */
    record Answered(Response response) implements Outcome {
        public Answered {
            Objects.requireNonNull(response, "response");
        }
    }

    /** The call failed at the owner with {@code code} (the object threw, was reset, overloaded, ...). */
    record Failed(ErrorCode code, String message) implements Outcome {
        public Failed {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }

    /** Nothing ran: the forward was stamped for another incarnation; this is the owner's current one. */
    record StaleIncarnation(long incarnation) implements Outcome {
    }

    /** Nothing ran: the receiver does not own the object in its view; {@code owner} is who does. */
    record NotOwner(NodeId owner) implements Outcome {
        public NotOwner {
            Objects.requireNonNull(owner, "owner");
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

    /**
     * One event of a WebSocket whose object runs on another node than the edge node that adopted it
     * (docs/gateway.md, "Sockets across nodes"). {@code toOwner} says the direction: edge → owner
     * (client messages and close) or owner → edge (object sends and close). The socket is named by
     * (namespace, id, socket id at the owner) and lives between one incarnation of each node:
     * a frame whose incarnations are not the socket's is refused with a {@link SocketAbort}.
     * Sends and closes are numbered 1, 2, ... per direction ({@code seq}); a ping carries the
     * highest number sent so far; an abort carries 0.
     */
    record SocketFrame(long fromIncarnation, long toIncarnation, boolean toOwner, String namespace, ObjectId id, long socketId,
                       long seq, SocketEvent event) implements ClusterMessage {
        public SocketFrame {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(event, "event");
        }
    }

    /** What a {@link SocketFrame} carries. */
    sealed interface SocketEvent {
    }

    /** A message, client → object or object → client. */
    record SocketSend(WebSocketMessage message) implements SocketEvent {
        public SocketSend {
            Objects.requireNonNull(message, "message");
        }
    }

    /** The client's close (clean or not), or the object's. */
    record SocketClose(int code, String reason, boolean wasClean) implements SocketEvent {
        public SocketClose {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Keepalive: the sender has sent up to {@code seq}, so a lost last frame shows as a gap. */
    record SocketPing() implements SocketEvent {
    }

    /** The socket broke (unknown, a gap, an overflow): the receiver ends it with 1006. */
    record SocketAbort(String reason) implements SocketEvent {
        public SocketAbort {
            Objects.requireNonNull(reason, "reason");
        }
    }
}

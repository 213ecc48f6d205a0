package dev.duro.wire;

import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.world.NodeId;

import java.util.Objects;

/**
 * {@link ErrorCode#MOVED}: the object lives on another node and nothing ran here. {@link #owner()}
 * is the node the answering one believes owns the object; a client retries there. Carried on the
 * wire as a {@code FetchError} that names its owner (docs/gateway.md).
 */
public final class MovedException extends DuroException {
    private final NodeId owner;

    public MovedException(String message, NodeId owner) {
        super(ErrorCode.MOVED, message);
        this.owner = Objects.requireNonNull(owner, "owner");
    }

    public NodeId owner() {
        return owner;
    }
}

package dev.duro.deploy.http;

import dev.duro.model.worker.Worker;
import dev.duro.model.world.Loop;
import dev.duro.runtime.edge.FrontDoor;

import java.util.Objects;

/**
 * Where an HTTP connection's requests go: a node's front door, the worker it runs, and the loop
 * both live on (every call to {@code door} and {@code worker} is made there).
 *
 * @param name   for logs, e.g. {@code n1}
 * @param loop   the loop of the door and the worker
 * @param door   the node's front door
 * @param worker the deployment's worker
 */
public record EdgeTarget(String name, Loop loop, FrontDoor door, Worker worker) {
    public EdgeTarget {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(door, "door");
        Objects.requireNonNull(worker, "worker");
    }
}

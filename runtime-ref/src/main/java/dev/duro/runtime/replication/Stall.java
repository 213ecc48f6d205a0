package dev.duro.runtime.replication;

import dev.duro.model.async.Promise;
import dev.duro.model.world.Loop;

/** A promise that completes after a delay on the loop: how a fault point makes a step slow. */
final class Stall {
    private Stall() {
    }

    /** Completes {@code nanos} from now, or at once when {@code fire} is false. */
    static Promise<Void> maybe(Loop loop, boolean fire, long nanos) {
        if (!fire) return Promise.succeeded(loop, null);
        Promise<Void> p = Promise.on(loop);
        loop.schedule(nanos, () -> p.complete(null));
        return p;
    }
}

package dev.duro.runtime.host;

import dev.duro.model.async.Promise;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.runtime.RuntimeTrace;
import org.junit.jupiter.api.Test;

import static dev.duro.runtime.host.HostRig.NS;
import static org.assertj.core.api.Assertions.assertThat;

/** Bugs found by the adversarial review of the object host; each test failed before its fix. */
class ReviewFindingsTest {
    /**
     * {@code currentBookmark()} (and {@code restoreOnNextActivation}, which calls it) sealed the
     * pending writes inside the store, behind the host's back: the host never learned that batch
     * was durable, so a response emitted after it waited for it forever.
     */
    @Test
    void aResponseAfterCurrentBookmarkLeavesOnceTheSealedWritesAreDurable() {
        Scripted s = new Scripted();
        s.fetch = (ctx, r) -> {
            ctx.storage().put("a", 1L);
            String bookmark = ctx.storage().currentBookmark();
            return ctx.completed(Response.ok(bookmark));
        };
        HostRig rig = new HostRig(71, HostRig.config(), s.plain(NS));
        Promise<Response> p = rig.start(x -> x.host.fetch(NS, HostRig.id("b"), Request.get("/")));
        rig.runUntil(p::isDone, 5_000);
        assertThat(p.isDone()).as("the response left").isTrue();
        assertThat(p.isFailed()).isFalse();
        // ... and only after the batch holding the write was durable.
        String obj = "id=" + HostRig.id("b").hex();
        assertThat(rig.indexOf(RuntimeTrace.OUTPUT, obj)).isGreaterThan(rig.indexOf(RuntimeTrace.DURABLE, obj + " epoch=1 seq=1"));
    }
}

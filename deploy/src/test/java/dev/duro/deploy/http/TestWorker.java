package dev.duro.deploy.http;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.worker.Worker;
import dev.duro.model.worker.WorkerEnv;
import dev.duro.model.world.Loop;
import dev.duro.runtime.edge.FrontDoor;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Routes that exercise the adapter: answers, failures by code, a throw, a hang, a held answer, an upgrade. */
final class TestWorker implements Worker {
    private final Loop loop;
    /** Answers of /held requests, completed by the test. */
    final ConcurrentLinkedQueue<Promise<Response>> held = new ConcurrentLinkedQueue<>();

    TestWorker(Loop loop) {
        this.loop = loop;
    }

    @Override
    public Promise<Response> fetch(Request r, WorkerEnv env) {
        if (!loop.inLoop()) throw new AssertionError("the worker runs off its loop");
        String path = r.pathOnly();
        if (path.equals("/hello")) return env.completed(Response.ok("hello\n"));
        if (path.equals("/echo")) return env.completed(Response.ok(r.method() + " " + r.path() + " " + r.bodyText()));
        if (path.startsWith("/fail/")) {
            return env.failed(new DuroException(ErrorCode.valueOf(path.substring(6)), "failed on purpose \"quoted\"\nsecond line"));
        }
        if (path.startsWith("/ns/")) return env.completed(Response.ok(env.namespace(path.substring(4)).name()));
        if (path.equals("/throw")) throw new IllegalStateException("boom");
        if (path.equals("/never")) return Promise.on(loop);
        if (path.equals("/held")) {
            Promise<Response> p = Promise.on(loop);
            held.add(p);
            return p;
        }
        if (path.startsWith("/ws/") && r.isWebSocketUpgrade()) {
            Map<String, String> h = new TreeMap<>();
            h.put(FrontDoor.EDGE_SOCKET_HEADER, path.substring(4));
            return env.completed(new Response(101, new TreeMap<>(h), null));
        }
        return env.completed(Response.status(404, "no route " + path + "\n"));
    }
}

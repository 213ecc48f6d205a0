package dev.duro.deploy.example;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectNamespace;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.worker.Worker;
import dev.duro.model.worker.WorkerEnv;

import java.util.Set;

/**
 * The example worker {@code duro dev} serves, with the routes of the peer benchmark's worker so
 * the same harness runs against both: {@code /hello} is answered here (no object); {@code
 * /counter/<name>}, {@code /read/<name>}, {@code /kv/<name>}, {@code /kvread/<name>} and the
 * WebSocket upgrade {@code /ws/<name>} go to the {@link Counter} named {@code <name>} in the
 * {@value #BINDING} namespace; anything else (and
 * {@code /}) is 404 with a usage line, without touching an object.
 */
public final class ExampleWorker implements Worker {
    public static final String BINDING = "COUNTER";
    public static final String USAGE = "usage: /counter/<name> | /read/<name> | /kv/<name> | /kvread/<name> | /ws/<name> (WebSocket)\n";
    private static final Set<String> OPS = Set.of("counter", "read", "kv", "kvread", "ws");

    @Override
    public Promise<Response> fetch(Request request, WorkerEnv env) {
        String[] parts = request.pathOnly().split("/", -1); // "", op, name
        String op = parts.length > 1 ? parts[1] : "";
        String name = parts.length > 2 ? parts[2] : "";
        if (op.equals("hello")) return env.completed(Response.ok("hello\n"));
        if (name.isEmpty() || !OPS.contains(op)) return env.completed(Response.status(404, USAGE));
        ObjectNamespace counters = env.namespace(BINDING);
        return counters.get(counters.idFromName(name)).fetch(request);
    }
}

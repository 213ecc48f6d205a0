package dev.duro.cli.cluster;

import dev.duro.deploy.example.ExampleApp;
import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectFactory;
import dev.duro.model.object.ObjectNamespace;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.worker.Worker;
import dev.duro.model.worker.WorkerEnv;
import dev.duro.runtime.config.Deployment;
import dev.duro.runtime.config.NamespaceBinding;
import dev.duro.scenarios.kv.RegisterObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The example application plus the kv scenario's registers ({@link RegisterObject}, the very
 * object the simulator's kv scenario runs), for {@code duro node --registers}, which
 * {@code duro cluster test} starts: {@code /get?obj=o&key=k}, {@code /put?obj=o&key=k&value=v} and
 * {@code /cas?obj=o&key=k&from=a&to=b} go to the register object named {@code o}; every other
 * request to the example worker.
 */
public final class RegistersApp {
    static final String BINDING = "REGISTERS";
    private static final Set<String> ROUTES = Set.of("/get", "/put", "/cas");

    private RegistersApp() {
    }

    public static Deployment deployment(byte[] deploymentSecret) {
        List<NamespaceBinding> bindings = new ArrayList<>(ExampleApp.deployment(deploymentSecret).namespaces().values());
        bindings.add(new NamespaceBinding(BINDING, (ObjectFactory) RegisterObject::new));
        return new Deployment(deploymentSecret, bindings);
    }

    public static Worker worker() {
        Worker example = ExampleApp.worker();
        return new Worker() {
            @Override
            public Promise<Response> fetch(Request request, WorkerEnv env) {
                String obj = request.query("obj");
                if (!ROUTES.contains(request.pathOnly()) || obj == null || obj.isEmpty()) return example.fetch(request, env);
                ObjectNamespace registers = env.namespace(BINDING);
                return registers.get(registers.idFromName(obj)).fetch(request);
            }
        };
    }
}

package dev.duro.cli.node;

import dev.duro.cli.UserError;
import dev.duro.model.async.Promise;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.ObjectFactory;
import dev.duro.model.object.ObjectNamespace;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.worker.Worker;
import dev.duro.model.worker.WorkerEnv;
import dev.duro.runtime.config.Deployment;
import dev.duro.runtime.config.NamespaceBinding;

import java.io.File;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A user's application for {@code duro dev}, named on its command line instead of compiled in:
 * object classes bound to namespaces ({@code --namespace NAME=CLASS}), loaded from
 * {@code --classpath}, and either the user's worker ({@code --worker CLASS}) or, without one,
 * {@link RoutingWorker}. The classes are the ones the user's tests run in the simulator, unchanged.
 */
record UserApp(Function<byte[], Deployment> deployment, Worker worker, String describe) {

    /** Loads the classes; every problem is a one-line {@link UserError}. */
    static UserApp load(List<String> namespaces, String workerClass, String classpath) {
        if (namespaces.isEmpty()) throw new UserError("--worker needs at least one --namespace NAME=CLASS for its objects");
        ClassLoader loader = loader(classpath);
        List<NamespaceBinding> bindings = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String spec : namespaces) {
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) {
                throw new UserError("--namespace wants NAME=CLASS (e.g. BOARDS=com.example.Leaderboard), got '" + spec + "'");
            }
            String name = spec.substring(0, eq);
            if (names.contains(name)) throw new UserError("--namespace " + name + " is given twice");
            names.add(name);
            bindings.add(new NamespaceBinding(name, factory(loader, spec.substring(eq + 1))));
        }
        Worker worker = workerClass == null ? new RoutingWorker() : worker(loader, workerClass);
        String describe = "namespaces " + String.join(", ", namespaces) + "; worker "
                + (workerClass == null ? "the routing worker (/<NAMESPACE>/<name>/<path> -> object <name>, path /<path>)" : workerClass);
        List<NamespaceBinding> fixed = List.copyOf(bindings);
        return new UserApp(secret -> new Deployment(secret, fixed), worker, describe);
    }

    private static ClassLoader loader(String classpath) {
        ClassLoader parent = UserApp.class.getClassLoader();
        if (classpath == null || classpath.isBlank()) return parent;
        List<URL> urls = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            if (entry.isBlank()) continue;
            Path p = Path.of(entry);
            if (!Files.exists(p)) throw new UserError("--classpath entry '" + entry + "' does not exist");
            try {
                urls.add(p.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new UserError("--classpath entry '" + entry + "' is not a usable path: " + e.getMessage());
            }
        }
        return new URLClassLoader(urls.toArray(URL[]::new), parent);
    }

    private static Class<?> find(ClassLoader loader, String className, String flag) {
        try {
            return Class.forName(className, true, loader);
        } catch (ClassNotFoundException e) {
            throw new UserError(flag + ": cannot load class '" + className + "' (not found: is it on --classpath?)");
        } catch (LinkageError e) {
            throw new UserError(flag + ": cannot load class '" + className + "' (it does not link: " + e.getMessage() + ")");
        }
    }

    private static ObjectFactory factory(ClassLoader loader, String className) {
        Class<?> type = find(loader, className, "--namespace");
        if (!DurableObject.class.isAssignableFrom(type)) {
            throw new UserError("--namespace: " + className + " does not implement " + DurableObject.class.getName());
        }
        Constructor<?> constructor;
        try {
            constructor = type.getDeclaredConstructor(ObjectContext.class);
            constructor.setAccessible(true);
        } catch (NoSuchMethodException | RuntimeException e) {
            throw new UserError("--namespace: " + className + " has no usable constructor taking an ObjectContext");
        }
        return ctx -> (DurableObject) construct(constructor, ctx);
    }

    private static Worker worker(ClassLoader loader, String className) {
        Class<?> type = find(loader, className, "--worker");
        if (!Worker.class.isAssignableFrom(type)) {
            throw new UserError("--worker: " + className + " does not implement " + Worker.class.getName());
        }
        try {
            Constructor<?> constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            return (Worker) construct(constructor);
        } catch (NoSuchMethodException | RuntimeException e) {
            throw new UserError("--worker: cannot make a " + className + " with its no-argument constructor: " + e.getMessage());
        }
    }

    private static Object construct(Constructor<?> constructor, Object... args) {
        try {
            return constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The worker {@code duro dev} uses when the user names none: {@code /<NAMESPACE>/<name>} and
     * below go to object {@code <name>} of binding {@code <NAMESPACE>} with the rest as its path
     * (query and headers kept, so WebSocket upgrades work too); anything else is 404 with the
     * bindings.
     */
    static final class RoutingWorker implements Worker {
        @Override
        public Promise<Response> fetch(Request request, WorkerEnv env) {
            String[] parts = request.pathOnly().split("/", 4); // "", namespace, name, rest
            if (parts.length < 3 || parts[2].isEmpty() || !env.bindings().contains(parts[1])) {
                return env.completed(Response.status(404, "usage: /<NAMESPACE>/<name>/<path>; namespaces: " + env.bindings() + "\n"));
            }
            String query = request.path().substring(request.pathOnly().length());
            String rest = "/" + (parts.length > 3 ? parts[3] : "") + query;
            ObjectNamespace ns = env.namespace(parts[1]);
            return ns.get(ns.idFromName(parts[2])).fetch(new Request(request.method(), rest, request.headers(), request.body()));
        }
    }
}

package dev.duro.cli.node;

import dev.duro.cli.UserError;
import dev.duro.deploy.example.ExampleApp;
import dev.duro.deploy.http.HttpOptions;
import dev.duro.deploy.node.DataDirectoryException;
import dev.duro.deploy.node.RealNode;
import dev.duro.deploy.serve.LocalCluster;
import dev.duro.deploy.serve.ServedNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code duro dev}: a local cluster in this process (docs/deploy.md, "duro dev"), serving the
 * example worker over HTTP until Ctrl-C or SIGTERM, then draining and exiting 0.
 */
@Command(
        name = "dev",
        mixinStandardHelpOptions = true,
        description = {
            "Run a local cluster on loopback in this process (3 nodes by default, each with its own event loop, data "
                    + "directory and TCP), serving the example worker and its counter objects over HTTP.",
            "Ctrl-C (or SIGTERM) drains and stops it; the data stays and a restart serves it again.",
            "Exit codes: 0 stopped cleanly, 1 a node failed, 2 bad flags or an unusable port or data directory."
        })
public final class DevCommand implements Callable<Integer> {
    private static final long READY_MILLIS = 60_000;
    private static final long DRAIN_MILLIS = 10_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8787",
            description = "The HTTP port of the whole cluster (node i also listens on PORT+1+i; 0: any free ports). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = ".duro/dev",
            description = "The data directory (node i keeps its data in DIR/n<i>). Default: ${DEFAULT-VALUE}.")
    Path data;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "3",
            description = "Nodes: 1 (one replica) or 3 to 9 (three replicas). Default: ${DEFAULT-VALUE}.")
    int nodes;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "The address to listen on. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--quiet", description = "Print only the URLs and errors (no node logs).")
    boolean quiet;

    @Option(names = "--namespace", paramLabel = "NAME=CLASS",
            description = "Serve your own objects instead of the example: bind NAME to the DurableObject class CLASS (a "
                    + "constructor taking an ObjectContext). Repeatable. Requests to /NAME/<name>/<path> reach object <name> "
                    + "at /<path>, unless --worker names your worker.")
    List<String> namespaces = new ArrayList<>();

    @Option(names = "--worker", paramLabel = "CLASS",
            description = "Your Worker class (a no-argument constructor) in front of the --namespace objects.")
    String worker;

    @Option(names = "--classpath", paramLabel = "PATHS",
            description = "Where your classes are: directories or jars, separated by the platform's path separator (':' on Linux and macOS).")
    String classpath;

    @Override
    public Integer call() throws Exception {
        if (nodes != 1 && (nodes < 3 || nodes > 9)) throw new UserError("--nodes must be 1 or 3..9, got " + nodes);
        if (port < 0 || port + nodes + 1 > 65_535) throw new UserError("--port must be in 0.." + (65_534 - nodes) + ", got " + port);
        UserApp app = namespaces.isEmpty() && worker == null ? null : UserApp.load(namespaces, worker, classpath);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RealNode.Options options = RealNode.Options.defaults().withLog(line -> {
            if (!quiet) err.println("duro dev: " + line);
            err.flush();
        });
        LocalCluster cluster;
        try {
            cluster = LocalCluster.start(new LocalCluster.Spec(nodes, host, port, data,
                    app == null ? ExampleApp::deployment : app.deployment(), app == null ? ExampleApp.worker() : app.worker(),
                    HttpOptions.defaults(), options), READY_MILLIS);
        } catch (DataDirectoryException e) {
            throw new UserError(e.getMessage());
        } catch (IllegalStateException e) {
            throw new UserError(e.getMessage());
        }
        String base = "http://" + host + ":" + cluster.httpAddress().getPort();
        out.println("duro dev: " + nodes + (nodes == 1 ? " node (1 replica)" : " nodes (3 replicas)") + " on " + host
                + ", data in " + data + " (kept across restarts)");
        out.println("  " + base + "/   any node: connections are spread over the nodes");
        for (ServedNode n : cluster.nodes()) {
            out.println("  http://" + host + ":" + n.httpAddress().getPort() + "/   " + n.id() + (n.existing() ? " (restarted on its data)" : ""));
        }
        if (app != null) {
            out.println("serving your application: " + app.describe());
            out.println("Ctrl-C stops it; requests in flight finish first.");
            out.flush();
            return waitAndStop(cluster, err);
        }
        out.println("try:");
        out.println("  curl " + base + "/counter/alice          # +1 on object alice's SQL counter, prints the new value");
        out.println("  curl " + base + "/read/alice             # read it");
        out.println("  curl " + base + "/kv/alice               # +1 through the KV API;  /kvread/alice reads it");
        out.println("  curl '" + base + "/counter/alice?echo'   # value and name");
        out.println("  curl " + base + "/hello                  # the worker alone, no object");
        out.println("Ctrl-C stops it; requests in flight finish first.");
        out.flush();
        return waitAndStop(cluster, err);
    }

    private static int waitAndStop(LocalCluster cluster, PrintWriter err) throws InterruptedException {
        StopSignal signal = new StopSignal(); // after start: a refused start leaves the JVM's handlers alone
        String why = signal.await();
        int left = cluster.drainAndStop(DRAIN_MILLIS);
        err.println("duro dev: " + why + ": stopped" + (left == 0 ? "; every request in flight was answered" : "; " + left
                + " requests were still in flight after " + DRAIN_MILLIS + " ms"));
        err.flush();
        return 0;
    }
}

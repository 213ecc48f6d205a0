package dev.duro.cli.node;

import dev.duro.cli.UserError;
import dev.duro.cli.cluster.FaultAdminServer;
import dev.duro.cli.cluster.RegistersApp;
import dev.duro.deploy.config.ClusterFile;
import dev.duro.deploy.config.ClusterFileParser;
import dev.duro.deploy.config.ConfigException;
import dev.duro.deploy.config.Member;
import dev.duro.deploy.disk.FileDisk;
import dev.duro.deploy.example.ExampleApp;
import dev.duro.deploy.faults.LinkFaults;
import dev.duro.deploy.http.HttpEdge;
import dev.duro.deploy.http.HttpOptions;
import dev.duro.deploy.node.DataDirectoryException;
import dev.duro.deploy.node.RealNode;
import dev.duro.deploy.serve.NodeSpecs;
import dev.duro.deploy.serve.ServedNode;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.PlantedBug;
import io.netty.channel.EventLoopGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code duro node --config cluster.toml --id n0}: one member of a cluster as a process, serving
 * the example worker over HTTP. SIGTERM drains: the HTTP listener closes, later requests get 503
 * UNAVAILABLE (retryable), requests in flight are answered, then the node stops (its leases lapse
 * on the other members' clocks) and the process exits 0.
 */
@Command(
        name = "node",
        mixinStandardHelpOptions = true,
        description = {
            "Run one member of a cluster described by a cluster file (docs/deploy.md, \"The cluster file\").",
            "SIGTERM or Ctrl-C drains it: new requests get 503, requests in flight finish, then it exits 0.",
            "Exit codes: 0 drained and stopped, 1 the node failed (fail-stop), 2 bad flags, cluster file, port or data directory."
        })
public final class NodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The cluster file (TOML).")
    Path config;

    @Option(names = "--id", required = true, paramLabel = "ID",
            description = "This member: n<index>, <index>, or a pod name ending in -<ordinal> (duro-2 is n2).")
    String id;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
            description = "The local address the node and HTTP ports listen on. Default: ${DEFAULT-VALUE}.")
    String bind;

    @Option(names = "--drain-timeout-ms", paramLabel = "MS", defaultValue = "10000",
            description = "How long SIGTERM waits for requests in flight. Default: ${DEFAULT-VALUE}.")
    long drainMillis;

    @Option(names = "--request-timeout-ms", paramLabel = "MS", defaultValue = "10000",
            description = "A request without an answer by then gets 504. Default: ${DEFAULT-VALUE}.")
    long requestTimeoutMillis;

    @Option(names = "--fault-admin-port", paramLabel = "PORT", hidden = true,
            description = "TEST ONLY (duro cluster test): drop and delay node-to-node frames as told on 127.0.0.1:PORT.")
    Integer faultAdminPort;

    @Option(names = "--lazy-disk", hidden = true,
            description = "TEST ONLY (duro cluster test): keep unsynced writes in the process, so kill -9 loses them.")
    boolean lazyDisk;

    @Option(names = "--lying-disk", hidden = true,
            description = "TEST ONLY, a planted bug (duro cluster test --planted-bug lying-disk): a lazy disk whose syncs answer one batch before writing.")
    boolean lyingDisk;

    @Option(names = "--planted-bug", hidden = true, paramLabel = "BUG",
            description = "TEST ONLY (duro cluster test --planted-bug): switch on one of the runtime's planted bugs.")
    String plantedBug;

    @Option(names = "--registers", hidden = true,
            description = "Also serve the kv scenario's registers at /get, /put, /cas?obj=... (duro cluster test).")
    boolean registers;

    @Override
    public Integer call() throws Exception {
        if (faultAdminPort != null && (faultAdminPort < 1 || faultAdminPort > 65535)) {
            throw new UserError("--fault-admin-port must be 1..65535, got " + faultAdminPort);
        }
        Set<PlantedBug> bugs;
        try {
            bugs = plantedBug == null ? Set.of() : Set.of(PlantedBug.byName(plantedBug));
        } catch (IllegalArgumentException e) {
            throw new UserError("--planted-bug: " + e.getMessage());
        }
        if (drainMillis < 0) throw new UserError("--drain-timeout-ms must be >= 0, got " + drainMillis);
        if (requestTimeoutMillis <= 0) throw new UserError("--request-timeout-ms must be > 0, got " + requestTimeoutMillis);
        NodeId self;
        ClusterFile file;
        try {
            self = NodeSpecs.parseId(id);
            file = ClusterFileParser.read(config);
            file.member(self);
        } catch (IllegalArgumentException | ConfigException e) {
            throw new UserError(e.getMessage());
        }
        PrintWriter err = spec.commandLine().getErr();
        RealNode.Options options = RealNode.Options.defaults().withLog(line -> {
            err.println("duro node: " + line);
            err.flush();
        });
        FaultAdminServer admin = null;
        if (faultAdminPort != null) {
            LinkFaults faults = new LinkFaults();
            try {
                admin = FaultAdminServer.start(faultAdminPort, faults);
            } catch (IOException e) {
                throw new UserError("--fault-admin-port " + faultAdminPort + ": cannot listen on 127.0.0.1: " + e.getMessage());
            }
            options = options.withFaults(faults);
        }
        if (lyingDisk) options = options.withDisk(FileDisk.Mode.LAZY_LYING);
        else if (lazyDisk) options = options.withDisk(FileDisk.Mode.LAZY);
        EventLoopGroup io = HttpEdge.newIoGroup(1);
        ServedNode node;
        try {
            ServedNode.Spec s = registers
                    ? NodeSpecs.of(file, self, bind, RegistersApp::deployment, RegistersApp.worker(),
                            HttpOptions.defaults().withRequestTimeoutMillis(requestTimeoutMillis))
                    : NodeSpecs.of(file, self, bind, ExampleApp::deployment, ExampleApp.worker(),
                            HttpOptions.defaults().withRequestTimeoutMillis(requestTimeoutMillis));
            node = ServedNode.start(s, io, options, address -> { }, bugs);
        } catch (DataDirectoryException | IllegalStateException e) {
            io.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            if (admin != null) admin.stop();
            throw new UserError(e.getMessage());
        }
        StopSignal signal = new StopSignal(); // after start: a refused start leaves the JVM's handlers alone
        Member m = file.member(self);
        err.println("duro node: " + self + " of " + file.members().size() + " (" + file.replicas() + " replicas) serves HTTP on "
                + bind + ":" + node.httpAddress().getPort() + ", node port " + m.nodePort() + ", data in " + file.nodeDataDir(self)
                + (node.existing() ? " (restarted on its data)" : " (new)")
                + (admin != null ? "; TEST ONLY: fault admin on 127.0.0.1:" + admin.port() : "")
                + (bugs.isEmpty() ? "" : "; TEST ONLY, PLANTED BUG: " + plantedBug)
                + (lyingDisk ? "; TEST ONLY, PLANTED BUG: lying disk" : lazyDisk ? "; TEST ONLY: lazy disk" : ""));
        err.flush();
        String why = signal.await();
        err.println("duro node: " + why + ": draining (new requests get 503)");
        err.flush();
        int left = node.drainAndStop(drainMillis);
        if (admin != null) admin.stop();
        io.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        err.println("duro node: " + self + " stopped" + (left == 0 ? "; every request in flight was answered" : "; " + left
                + " requests were still in flight after " + drainMillis + " ms"));
        err.flush();
        return 0;
    }
}

package dev.duro.cli.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One member of the cluster under test as an OS process ({@code duro node} in a child JVM), which
 * the test kills with SIGKILL, pauses with SIGSTOP, resumes with SIGCONT and starts again on its
 * data directory and ports. Its output is appended to {@code n<i>.log} in the run folder.
 */
final class NodeProcess {
    final int index;
    final int httpPort;
    final int adminPort;
    private final List<String> command;
    private final Path log;
    private Process process;
    private boolean paused;
    private int starts;

    NodeProcess(int index, int httpPort, int adminPort, Path config, Path log, List<String> testFlags) {
        this.index = index;
        this.httpPort = httpPort;
        this.adminPort = adminPort;
        this.log = log;
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> c = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.duro.cli.Main", "node",
                "--config", config.toString(), "--id", "n" + index, "--bind", "127.0.0.1", "--registers",
                "--fault-admin-port", String.valueOf(adminPort)));
        c.addAll(testFlags);
        this.command = List.copyOf(c);
    }

    synchronized void start() throws IOException {
        starts++;
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        paused = false;
    }

    synchronized long pid() {
        return process.pid();
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** The exit status when the process ended, or -1 while it runs. */
    synchronized int exitStatus() {
        return process == null || process.isAlive() ? -1 : process.exitValue();
    }

    int starts() {
        return starts;
    }

    /** SIGKILL (Process.destroyForcibly on Unix), and wait for the process to be gone. */
    synchronized void kill() throws InterruptedException {
        if (process == null) return;
        if (paused) signal("CONT"); // a stopped process dies of SIGKILL too; this keeps the bookkeeping simple
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        paused = false;
    }

    synchronized void pause() {
        if (alive() && !paused) paused = signal("STOP");
    }

    synchronized void resume() {
        if (paused) {
            signal("CONT");
            paused = false;
        }
    }

    synchronized boolean paused() {
        return paused;
    }

    /** Sets this node's frame faults through its admin endpoint; false when it did not answer (paused, down). */
    boolean setFaults(HttpClient http, String query) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/faults" + (query.isEmpty() ? "" : "?" + query)))
                    .timeout(Duration.ofSeconds(2)).POST(HttpRequest.BodyPublishers.noBody()).build();
            return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean signal(String name) {
        try {
            // The shell's kill builtin: Java cannot send SIGSTOP or SIGCONT, and a slim image may lack /bin/kill.
            Process p = new ProcessBuilder("sh", "-c", "kill -" + name + " " + process.pid()).redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

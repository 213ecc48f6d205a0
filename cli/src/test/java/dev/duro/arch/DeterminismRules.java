package dev.duro.arch;

import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.duro.model.util.AllowNondeterminism;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The ban on ambient non-determinism, as an ArchUnit condition over every access (call,
 * constructor call, field access, method reference) a class makes.
 *
 * <p>Escape: {@link AllowNondeterminism} with a non-empty reason on the class (or an enclosing
 * class) or on the calling method; lambdas count as part of the method that declares them.
 */
final class DeterminismRules {
    private DeterminismRules() {}

    /** Packages whose main code runs inside the simulator. */
    static final String[] DETERMINISTIC_PACKAGES = {
        "dev.duro.model..", "dev.duro.sim..", "dev.duro.faults..", "dev.duro.wire..", "dev.duro.runtime..", "dev.duro.client..",
        "dev.duro.scenarios..", "dev.duro.examples.." // user objects, as users should write them: they run in the simulator
    };

    /** A banned target: any member of {@code owner}, or only the named ones. */
    record Ban(String owner, Set<String> members, String why) {
        static Ban type(String owner, String why) {
            return new Ban(owner, Set.of(), why);
        }

        static Ban members(String owner, String why, String... names) {
            return new Ban(owner, Set.of(names), why);
        }

        /** Matches through the hierarchy: {@code list.parallelStream()} is banned as Collection's. */
        boolean matches(JavaClass targetOwner, String targetName) {
            return (members.isEmpty() || members.contains(targetName)) && targetOwner.isAssignableTo(owner);
        }
    }

    static final List<Ban> BANS = List.of(
            Ban.members("java.lang.System", "wall clock / real time: use World.clock()",
                    "currentTimeMillis", "nanoTime"),
            Ban.members("java.lang.System", "identity hashes vary between runs", "identityHashCode"),
            Ban.members("java.lang.System", "the environment is not part of the seed: pass configuration in",
                    "getenv"),
            Ban.members("java.time.Instant", "wall clock: use World.clock()", "now"),
            Ban.members("java.time.LocalDateTime", "wall clock: use World.clock()", "now"),
            Ban.members("java.time.LocalDate", "wall clock: use World.clock()", "now"),
            Ban.members("java.time.LocalTime", "wall clock: use World.clock()", "now"),
            Ban.members("java.time.ZonedDateTime", "wall clock: use World.clock()", "now"),
            Ban.members("java.time.OffsetDateTime", "wall clock: use World.clock()", "now"),
            Ban.members("java.time.Clock", "wall clock: use World.clock()",
                    "systemUTC", "systemDefaultZone", "system", "tickMillis", "tickSeconds", "tickMinutes"),
            Ban.type("java.util.Random", "unseeded or unsplittable randomness: use World.entropy()"),
            Ban.type("java.security.SecureRandom", "unseeded randomness: use World.entropy()"),
            Ban.type("java.util.SplittableRandom", "randomness outside the seed tree: use World.entropy()"),
            Ban.type("java.util.concurrent.ThreadLocalRandom", "unseeded randomness: use World.entropy()"),
            Ban.members("java.lang.Math", "unseeded randomness: use World.entropy()", "random"),
            Ban.members("java.lang.StrictMath", "unseeded randomness: use World.entropy()", "random"),
            Ban.members("java.util.UUID", "unseeded randomness: derive ids from World.entropy()", "randomUUID"),
            Ban.members("java.lang.Thread", "threads: everything runs on the node's Loop",
                    "<init>", "start", "startVirtualThread", "ofPlatform", "ofVirtual", "sleep", "onSpinWait"),
            Ban.type("java.util.concurrent.Executors", "executors: use the node's Loop"),
            Ban.type("java.util.concurrent.ThreadPoolExecutor", "executors: use the node's Loop"),
            Ban.type("java.util.concurrent.ScheduledThreadPoolExecutor", "executors: use the node's Loop"),
            Ban.type("java.util.concurrent.ForkJoinPool", "the common pool: use the node's Loop"),
            Ban.type("java.util.Timer", "real timers: use Loop.schedule"),
            Ban.members("java.util.concurrent.CompletableFuture", "async variants run on the common pool: use Promise",
                    "supplyAsync", "runAsync", "thenApplyAsync", "thenAcceptAsync", "thenRunAsync",
                    "thenComposeAsync", "thenCombineAsync", "whenCompleteAsync", "handleAsync",
                    "exceptionallyAsync", "completeAsync", "delayedExecutor"),
            Ban.members("java.util.Collection", "parallel streams use the common pool", "parallelStream"),
            Ban.members("java.util.stream.BaseStream", "parallel streams use the common pool", "parallel"),
            Ban.members("java.util.stream.Stream", "parallel streams use the common pool", "parallel"),
            Ban.members("java.util.stream.IntStream", "parallel streams use the common pool", "parallel"),
            Ban.members("java.util.stream.LongStream", "parallel streams use the common pool", "parallel"),
            Ban.type("java.net.Socket", "real sockets: use World.transport()"),
            Ban.type("java.net.ServerSocket", "real sockets: use World.transport()"),
            Ban.type("java.net.DatagramSocket", "real sockets: use World.transport()"),
            Ban.type("java.nio.channels.SocketChannel", "real sockets: use World.transport()"),
            Ban.type("java.nio.channels.ServerSocketChannel", "real sockets: use World.transport()"),
            Ban.type("java.nio.channels.DatagramChannel", "real sockets: use World.transport()"),
            Ban.members("java.nio.file.FileSystems", "the default filesystem: use World.disk()", "getDefault"),
            Ban.members("java.nio.file.Paths", "the default filesystem: use World.disk()", "get"),
            Ban.members("java.nio.file.Path", "the default filesystem: use World.disk()", "of"),
            Ban.type("java.io.File", "the default filesystem: use World.disk()"),
            Ban.type("java.io.FileInputStream", "the default filesystem: use World.disk()"),
            Ban.type("java.io.FileOutputStream", "the default filesystem: use World.disk()"),
            Ban.type("java.io.FileReader", "the default filesystem: use World.disk()"),
            Ban.type("java.io.FileWriter", "the default filesystem: use World.disk()"),
            Ban.type("java.io.RandomAccessFile", "the default filesystem: use World.disk()"));

    /** No access to a banned target, except from code that carries a reasoned allowance. */
    static ArchCondition<JavaClass> touchNoAmbientNondeterminism() {
        return new ArchCondition<>("touch no wall clock, unseeded randomness, threads, executors, "
                + "real sockets or default filesystem (escape: @AllowNondeterminism(\"reason\"))") {
            @Override
            public void check(JavaClass javaClass, ConditionEvents events) {
                for (JavaAccess<?> access : javaClass.getAccessesFromSelf()) {
                    JavaClass owner = access.getTargetOwner();
                    String name = access.getTarget().getName();
                    for (Ban ban : BANS) {
                        if (!ban.matches(owner, name)) continue;
                        Optional<String> allowance = allowance(access.getOrigin());
                        if (allowance.isPresent() && !allowance.get().isBlank()) continue;
                        String message = access.getDescription() + " -- banned: " + ban.why()
                                + (allowance.isPresent() ? " (@AllowNondeterminism has an empty reason)" : "");
                        events.add(SimpleConditionEvent.violated(access, message));
                    }
                }
            }
        };
    }

    /** The reason of the nearest {@link AllowNondeterminism} covering {@code origin}, if any. */
    static Optional<String> allowance(JavaCodeUnit origin) {
        Optional<String> onMember = reasonOn(origin);
        if (onMember.isPresent()) return onMember;
        JavaClass owner = origin.getOwner();
        String name = origin.getName();
        if (name.startsWith("lambda$")) {
            // javac names a lambda body lambda$<declaringMethod>$<n>; it inherits that method's allowance.
            String[] parts = name.split("\\$");
            if (parts.length >= 3) {
                for (JavaCodeUnit unit : owner.getCodeUnits()) {
                    String declaring = unit.getName().equals("<init>") ? "new" : unit.getName();
                    if (declaring.equals(parts[1])) {
                        Optional<String> reason = reasonOn(unit);
                        if (reason.isPresent()) return reason;
                    }
                }
            }
        }
        for (Optional<JavaClass> c = Optional.of(owner); c.isPresent(); c = c.get().getEnclosingClass()) {
            Optional<String> reason = c.get().tryGetAnnotationOfType(AllowNondeterminism.class)
                    .map(AllowNondeterminism::value);
            if (reason.isPresent()) return reason;
        }
        return Optional.empty();
    }

    private static Optional<String> reasonOn(JavaMember member) {
        return member.tryGetAnnotationOfType(AllowNondeterminism.class).map(AllowNondeterminism::value);
    }
}

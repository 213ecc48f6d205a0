package dev.duro.deploy.world;

import dev.duro.deploy.OnLoop;
import dev.duro.model.world.TimerHandle;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class NettyLoopTest {
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private final NettyLoop loop = new NettyLoop((EventLoop) group.next(), SystemClock.INSTANCE, failures::add);

    @AfterEach
    void shutDown() {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    @Test
    void tasksRunOneAtATimeInSubmissionOrderAndNeverInline() {
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 1_000; i++) {
            int n = i;
            loop.execute(() -> ran.add(n));
        }
        List<String> order = OnLoop.call(loop, () -> {
            List<String> o = new ArrayList<>();
            loop.execute(() -> o.add("submitted from the loop"));
            o.add("submitter finished");
            return o;
        }, 10_000, "a task that submits one");
        OnLoop.call(loop, () -> null, 10_000, "drain");
        assertThat(ran).hasSize(1_000).isSorted();
        assertThat(order).containsExactly("submitter finished", "submitted from the loop");
        assertThat(failures).isEmpty();
    }

    @Test
    void foreignThreadsMayExecuteAndEachThreadsTasksKeepTheirOrder() throws InterruptedException {
        int threads = 4;
        int perThread = 2_000;
        List<List<Integer>> seen = new ArrayList<>();
        for (int t = 0; t < threads; t++) seen.add(new ArrayList<>()); // touched on the loop only
        List<Boolean> onLoop = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            submitters.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    int n = i;
                    loop.execute(() -> {
                        seen.get(thread).add(n);
                        if (n == 0) onLoop.add(loop.inLoop());
                    });
                }
            }));
        }
        go.countDown();
        for (Thread s : submitters) s.join(10_000);
        List<List<Integer>> result = OnLoop.call(loop, () -> seen, 10_000, "drain");
        for (List<Integer> perThreadSeen : result) assertThat(perThreadSeen).hasSize(perThread).isSorted();
        assertThat(onLoop).containsOnly(true);
        assertThat(loop.inLoop()).as("the test thread is not the loop").isFalse();
    }

    @Test
    void timersFireInDeadlineOrderNeverEarlyAndCancelOnlyWhilePending() {
        ConcurrentLinkedQueue<String> fired = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> early = new ConcurrentLinkedQueue<>();
        long[] delaysMillis = {30, 10, 20};
        TimerHandle cancelled = OnLoop.call(loop, () -> {
            for (long d : delaysMillis) {
                long due = SystemClock.INSTANCE.monotonicNanos() + d * 1_000_000;
                loop.schedule(d * 1_000_000, () -> {
                    if (SystemClock.INSTANCE.monotonicNanos() < due) early.add(d + " ms");
                    assertThat(loop.inLoop()).isTrue();
                    fired.add(d + " ms");
                });
            }
            return loop.schedule(15_000_000, () -> fired.add("cancelled"));
        }, 10_000, "schedule");
        assertThat(OnLoop.call(loop, cancelled::cancel, 10_000, "cancel")).as("cancel of a pending timer").isTrue();
        assertThat(OnLoop.call(loop, cancelled::cancel, 10_000, "cancel again")).as("second cancel").isFalse();
        OnLoop.waitUntil(() -> fired.size() == 3, 10_000, () -> "three timers fired, got " + fired);
        assertThat(fired).containsExactly("10 ms", "20 ms", "30 ms");
        assertThat(early).as("timers that fired before their delay").isEmpty();

        TimerHandle ran = OnLoop.call(loop, () -> loop.schedule(0, () -> fired.add("zero")), 10_000, "schedule 0");
        OnLoop.waitUntil(() -> fired.contains("zero"), 10_000, () -> "the zero-delay timer fired");
        assertThat(OnLoop.call(loop, ran::cancel, 10_000, "cancel after run")).isFalse();
        assertThat(failures).isEmpty();
    }

    @Test
    void afterStopNothingQueuedOrScheduledRunsAndSubmissionsAreSwallowed() throws InterruptedException {
        ConcurrentLinkedQueue<String> ran = new ConcurrentLinkedQueue<>();
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        loop.execute(() -> {
            blocked.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
        loop.execute(() -> ran.add("queued before stop"));
        TimerHandle timer = loop.schedule(1_000_000, () -> ran.add("timer"));
        loop.stop();
        release.countDown();
        loop.execute(() -> ran.add("submitted after stop"));
        CountDownLatch drained = new CountDownLatch(1);
        loop.eventLoop().schedule(drained::countDown, 50, TimeUnit.MILLISECONDS); // past the timer's deadline
        assertThat(drained.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).isEmpty();
        assertThat(timer.cancel()).as("a stopped node's timer cannot be cancelled").isFalse();
    }

    @Test
    void aThrowingTaskStopsTheLoopAndIsReported() {
        ConcurrentLinkedQueue<String> ran = new ConcurrentLinkedQueue<>();
        loop.execute(() -> {
            throw new IllegalStateException("planted");
        });
        loop.execute(() -> ran.add("after the failure"));
        OnLoop.waitUntil(() -> !failures.isEmpty(), 10_000, () -> "the failure was reported");
        assertThat(failures).singleElement().satisfies(t -> assertThat(t).hasMessage("planted"));
        assertThat(loop.stopped()).isTrue();
        assertThat(ran).isEmpty();
    }
}

package dev.duro.model.async;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.model.world.Loop;
import dev.duro.model.world.TimerHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromiseTest {
    /** A loop the test drives by hand; "in loop" only while it runs a task. */
    static final class ManualLoop implements Loop {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        boolean running;

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        @Override
        public TimerHandle schedule(long delayNanos, Runnable task) {
            throw new UnsupportedOperationException("not needed here");
        }

        @Override
        public boolean inLoop() {
            return running;
        }

        void runAll() {
            running = true;
            try {
                while (!tasks.isEmpty()) tasks.poll().run();
            } finally {
                running = false;
            }
        }
    }

    @Test
    void callbacksNeverRunInlineAndRunInRegistrationOrder() {
        ManualLoop loop = new ManualLoop();
        List<String> seen = new ArrayList<>();
        Promise<Integer> p = Promise.on(loop);
        p.onSuccess(v -> seen.add("first " + v));
        p.onSuccess(v -> seen.add("second " + v));
        loop.running = true;
        assertThat(p.complete(7)).isTrue();
        loop.running = false;
        assertThat(seen).as("completion must not run callbacks inline").isEmpty();
        loop.runAll();
        assertThat(seen).containsExactly("first 7", "second 7");
    }

    @Test
    void completionFromOutsideTheLoopHopsOntoIt() {
        ManualLoop loop = new ManualLoop();
        Promise<String> p = Promise.on(loop);
        assertThat(p.complete("x")).isTrue();
        assertThat(p.isDone()).as("state changes only on the owning loop").isFalse();
        loop.runAll();
        assertThat(p.value()).isEqualTo("x");
    }

    @Test
    void completesAtMostOnce() {
        ManualLoop loop = new ManualLoop();
        Promise<String> p = Promise.on(loop);
        loop.execute(() -> {
            assertThat(p.complete("a")).isTrue();
            assertThat(p.complete("b")).isFalse();
            assertThat(p.fail(new RuntimeException("late"))).isFalse();
        });
        loop.runAll();
        assertThat(p.value()).isEqualTo("a");
    }

    @Test
    void mapFlatMapRecoverAndAllPropagateValuesAndFailures() {
        ManualLoop loop = new ManualLoop();
        Promise<Integer> source = Promise.on(loop);
        Promise<Integer> doubled = source.map(v -> v * 2);
        Promise<String> chained = doubled.flatMap(v -> Promise.succeeded(loop, "v=" + v));
        Promise<Integer> broken = source.map(v -> {
            throw new IllegalStateException("boom");
        });
        Promise<Integer> recovered = broken.recover(e -> -1);
        Promise<List<Integer>> all = Promise.all(loop, List.of(doubled, recovered));
        Promise<List<Integer>> allFailing = Promise.all(loop, List.of(doubled, broken));
        loop.execute(() -> source.complete(21));
        loop.runAll();
        assertThat(chained.value()).isEqualTo("v=42");
        assertThat(broken.failure()).hasMessage("boom");
        assertThat(recovered.value()).isEqualTo(-1);
        assertThat(all.value()).containsExactly(42, -1);
        assertThat(allFailing.failure()).hasMessage("boom");
    }
}

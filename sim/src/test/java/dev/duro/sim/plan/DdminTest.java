package dev.duro.sim.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DdminTest {
    private static final List<Integer> HUNDRED = IntStream.range(0, 100).boxed().toList();

    @Test
    void findsTheTwoItemsAFailureNeeds() {
        List<List<Integer>> tried = new ArrayList<>();
        List<Integer> min = Ddmin.minimize(HUNDRED, sub -> {
            tried.add(sub);
            return sub.contains(3) && sub.contains(71);
        }, () -> false);
        assertThat(min).containsExactly(3, 71);
        // Far fewer tests than the 2^100 subsets, and than removing one item at a time from 100 repeatedly.
        assertThat(tried.size()).isLessThan(100);
    }

    @Test
    void aFailureThatNeedsNothingShrinksToNothing() {
        assertThat(Ddmin.minimize(HUNDRED, sub -> true, () -> false)).isEmpty();
    }

    @Test
    void theResultIsOneMinimal() {
        // Fails when at least 3 of the multiples of 10 are present: any 3 of them is a minimal answer.
        List<Integer> min = Ddmin.minimize(HUNDRED, sub -> sub.stream().filter(i -> i % 10 == 0).count() >= 3, () -> false);
        assertThat(min).hasSize(3).allMatch(i -> i % 10 == 0);
    }

    @Test
    void stoppingEarlyKeepsTheSmallestFailingListSoFar() {
        int[] tests = {0};
        List<Integer> min = Ddmin.minimize(HUNDRED, sub -> {
            tests[0]++;
            return sub.contains(42);
        }, () -> tests[0] >= 3);
        assertThat(min).contains(42).hasSizeLessThan(100);
        assertThat(tests[0]).isEqualTo(3);
    }

    @Test
    void splitsIntoNearlyEqualRunsInOrder() {
        assertThat(Ddmin.split(List.of(1, 2, 3, 4, 5), 2)).containsExactly(List.of(1, 2), List.of(3, 4, 5));
        assertThat(Ddmin.split(List.of(1, 2, 3), 3)).containsExactly(List.of(1), List.of(2), List.of(3));
    }
}

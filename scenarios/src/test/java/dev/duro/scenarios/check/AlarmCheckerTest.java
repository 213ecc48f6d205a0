package dev.duro.scenarios.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.runtime.RuntimeTrace;
import dev.duro.sim.run.FailureClass;
import dev.duro.sim.run.Violation;
import org.junit.jupiter.api.Test;

class AlarmCheckerTest {
    private static Facts durableSet(long at) {
        return new Facts()
                .on(RuntimeTrace.ALARM_SET, "epoch=1 at=" + at)
                .on(RuntimeTrace.WRITE, "epoch=1 op=setAlarm")
                .on(RuntimeTrace.SEAL, "epoch=1 seq=1")
                .on(RuntimeTrace.DURABLE, "epoch=1 seq=1");
    }

    @Test
    void aDurableAlarmThatCompletesPasses() {
        AlarmChecker c = durableSet(1000)
                .on(RuntimeTrace.ALARM_FIRE, "epoch=1 scheduled=1000 now=1000 retry=0")
                .on(RuntimeTrace.ALARM_DONE, "epoch=1 scheduled=1000")
                .feed(new AlarmChecker(6, false));
        assertThat(c.violations()).isEmpty();
        assertThat(c.finish(5_000, Long.MAX_VALUE)).isEmpty();
        assertThat(c.durableSets()).isEqualTo(1);
    }

    @Test
    void anAlarmDurableTooLateToJudgeIsNotJudged() {
        AlarmChecker c = durableSet(1000).feed(new AlarmChecker(6, false)); // durable at virtual 3000 ns
        assertThat(c.finish(5_000, 2_999)).isEmpty();
        assertThat(c.finish(5_000, 3_000)).hasSize(1);
    }

    @Test
    void aDurableAlarmCompletedByTheNewOwnerAfterAFailoverPasses() {
        // Set and durable on n0; n0 crashes; n3 takes the object over (its own epoch counter) and runs the handler.
        AlarmChecker c = durableSet(1000)
                .crash(0)
                .on(3, RuntimeTrace.RECOVER_BEGIN, "epoch=1")
                .on(3, RuntimeTrace.ALARM_FIRE, "epoch=1 scheduled=1000 now=1200 retry=0")
                .on(3, RuntimeTrace.ALARM_DONE, "epoch=1 scheduled=1000")
                .feed(new AlarmChecker(6, false));
        assertThat(c.violations()).isEmpty();
        assertThat(c.finish(5_000, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void aSetNotYetDurableOnOneNodeIsNotMadeDurableByAnotherNodesBatch() {
        // n0 sets and seals batch 1; n2 (same object, same epoch number) reports batch 1 durable: not n0's.
        AlarmChecker c = new Facts()
                .on(0, RuntimeTrace.ALARM_SET, "epoch=1 at=1000")
                .on(0, RuntimeTrace.SEAL, "epoch=1 seq=1")
                .on(2, RuntimeTrace.DURABLE, "epoch=1 seq=1")
                .crash(0)
                .feed(new AlarmChecker(6, false));
        assertThat(c.durableSets()).isZero();
        assertThat(c.finish(5_000, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void anEarlyFiringIsASafetyViolation() {
        AlarmChecker c = durableSet(1000)
                .on(RuntimeTrace.ALARM_FIRE, "epoch=1 scheduled=1000 now=990 retry=0")
                .feed(new AlarmChecker(6, false));
        assertThat(c.violations()).singleElement().satisfies(v -> {
            assertThat(v.property()).isEqualTo(AlarmChecker.EARLY);
            assertThat(v.message()).contains("10 ms before");
        });
    }

    @Test
    void aDurableAlarmLostInACrashIsALivenessViolation() {
        AlarmChecker c = durableSet(1000)
                .crash(0)
                .on(RuntimeTrace.RECOVER_BEGIN, "epoch=2")
                .feed(new AlarmChecker(6, false));
        assertThat(c.finish(5_000, Long.MAX_VALUE)).singleElement().satisfies(v -> {
            assertThat(v.property()).isEqualTo(AlarmChecker.LOST);
            assertThat(v.failureClass()).isEqualTo(FailureClass.LIVENESS);
        });
        assertThat(c.finish(999, Long.MAX_VALUE)).as("not yet due at the deadline: no verdict").isEmpty();
    }

    @Test
    void anAlarmClearedBeforeItsHandlerFailedIsCaughtWhenTheWorkloadNeverDeletes() {
        AlarmChecker c = durableSet(1000)
                .on(RuntimeTrace.ALARM_FIRE, "epoch=1 scheduled=1000 now=1001 retry=0")
                .on(RuntimeTrace.ALARM_DELETE, "epoch=1")
                .on(RuntimeTrace.SEAL, "epoch=1 seq=2")
                .on(RuntimeTrace.DURABLE, "epoch=1 seq=2")
                .crash(0)
                .feed(new AlarmChecker(6, false));
        assertThat(c.finish(5_000, Long.MAX_VALUE)).extracting(Violation::property).containsExactly(AlarmChecker.LOST);
    }

    @Test
    void aFailedHandlerThatIsNeverRetriedIsCaught() {
        // The handler started (fire) but never succeeded and nobody re-set the alarm.
        AlarmChecker c = durableSet(1000)
                .on(RuntimeTrace.ALARM_FIRE, "epoch=1 scheduled=1000 now=1001 retry=0")
                .feed(new AlarmChecker(6, false));
        assertThat(c.finish(5_000, Long.MAX_VALUE)).extracting(Violation::property).containsExactly(AlarmChecker.LOST);
    }

    @Test
    void theLastRetryMayBeGivenUp() {
        AlarmChecker c = durableSet(1000)
                .on(RuntimeTrace.ALARM_FIRE, "epoch=1 scheduled=1000 now=1001 retry=6")
                .feed(new AlarmChecker(6, false));
        assertThat(c.finish(5_000, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void anAlarmSetButNeverDurableOwesNothing() {
        AlarmChecker c = new Facts()
                .on(RuntimeTrace.ALARM_SET, "epoch=1 at=1000")
                .on(RuntimeTrace.SEAL, "epoch=1 seq=1")
                .crash(0)
                .on(RuntimeTrace.DURABLE, "epoch=1 seq=1") // a stale fact of a new incarnation's epoch 1: not the same batch
                .feed(new AlarmChecker(6, false));
        assertThat(c.finish(5_000, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void aReplacedAlarmOwesOnlyTheReplacement() {
        AlarmChecker c = durableSet(1000)
                .on(RuntimeTrace.ALARM_SET, "epoch=1 at=2000")
                .on(RuntimeTrace.SEAL, "epoch=1 seq=2")
                .on(RuntimeTrace.DURABLE, "epoch=1 seq=2")
                .on(RuntimeTrace.ALARM_FIRE, "epoch=1 scheduled=2000 now=2000 retry=0")
                .on(RuntimeTrace.ALARM_DONE, "epoch=1 scheduled=2000")
                .feed(new AlarmChecker(6, false));
        assertThat(c.finish(5_000, Long.MAX_VALUE)).isEmpty();
        AlarmChecker missing = durableSet(1000)
                .on(RuntimeTrace.ALARM_SET, "epoch=1 at=2000")
                .on(RuntimeTrace.SEAL, "epoch=1 seq=2")
                .on(RuntimeTrace.DURABLE, "epoch=1 seq=2")
                .on(RuntimeTrace.ALARM_DONE, "epoch=1 scheduled=1000")
                .feed(new AlarmChecker(6, false));
        assertThat(missing.finish(5_000, Long.MAX_VALUE)).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("alarm for wall 2000"));
    }

    @Test
    void deletionsCountOnlyWhenTheWorkloadDeletes() {
        Facts f = durableSet(1000).on(RuntimeTrace.ALARM_DELETE, "epoch=1");
        assertThat(f.feed(new AlarmChecker(6, true)).finish(5_000, Long.MAX_VALUE)).isEmpty();
        assertThat(f.feed(new AlarmChecker(6, false)).finish(5_000, Long.MAX_VALUE)).hasSize(1);
    }

    /** The handler ran and returned; the host cleared the alarm and sealed seq 3; the process crashed before that was durable. */
    private static Facts completedThenCrashed() {
        return durableSet(1000)
                .on(RuntimeTrace.EVENT_BEGIN, "epoch=1 event=alarm")
                .on(RuntimeTrace.ALARM_FIRE, "epoch=1 scheduled=1000 now=1001 retry=0")
                .on(RuntimeTrace.WRITE, "epoch=1 op=sql")
                .on(RuntimeTrace.EVENT_END, "epoch=1")
                .on(RuntimeTrace.SEAL, "epoch=1 seq=2")
                .on(RuntimeTrace.ALARM_DELETE, "epoch=1")
                .on(RuntimeTrace.SEAL, "epoch=1 seq=3")
                .crash(0);
    }

    @Test
    void aCompletedAlarmWhoseClearingTheNextOwnerAdoptedIsDone() {
        AlarmChecker c = completedThenCrashed()
                .on(3, RuntimeTrace.RECOVER_BEGIN, "epoch=1")
                .on(3, RuntimeTrace.RECOVER_END, "epoch=1 seq=3 fence=2.3.1")
                .feed(new AlarmChecker(6, false));
        assertThat(c.finish(5_000, Long.MAX_VALUE)).isEmpty();
        assertThat(c.doneByClearing()).isEqualTo(1);
    }

    @Test
    void aRecoveryThatStopsBeforeTheClearingStillOwesTheAlarm() {
        AlarmChecker c = completedThenCrashed()
                .on(3, RuntimeTrace.RECOVER_END, "epoch=1 seq=2 fence=2.3.1")
                .feed(new AlarmChecker(6, false));
        assertThat(c.finish(5_000, Long.MAX_VALUE)).extracting(Violation::property).containsExactly(AlarmChecker.LOST);
    }

    @Test
    void aClearingOverwrittenByAnotherActivationsBatchDoesNotCount() {
        // n2 (a concurrent owner) sealed its own seq 3 after n0's clearing: the adopted seq 3 may be n2's.
        AlarmChecker c = completedThenCrashed()
                .on(2, RuntimeTrace.SEAL, "epoch=1 seq=3")
                .on(3, RuntimeTrace.RECOVER_END, "epoch=1 seq=3 fence=2.3.1")
                .feed(new AlarmChecker(6, false));
        assertThat(c.finish(5_000, Long.MAX_VALUE)).extracting(Violation::property).containsExactly(AlarmChecker.LOST);
    }

    @Test
    void aClearingInsideTheHandlersEventIsNoCompletion() {
        // clear-alarm-early: the alarm is deleted before the handler ran; a recovery adopting it owes the alarm still.
        AlarmChecker c = durableSet(1000)
                .on(RuntimeTrace.EVENT_BEGIN, "epoch=1 event=alarm")
                .on(RuntimeTrace.ALARM_FIRE, "epoch=1 scheduled=1000 now=1001 retry=0")
                .on(RuntimeTrace.ALARM_DELETE, "epoch=1")
                .on(RuntimeTrace.SEAL, "epoch=1 seq=2")
                .on(RuntimeTrace.EVENT_END, "epoch=1")
                .crash(0)
                .on(3, RuntimeTrace.RECOVER_END, "epoch=1 seq=2 fence=2.3.1")
                .feed(new AlarmChecker(6, false));
        assertThat(c.finish(5_000, Long.MAX_VALUE)).extracting(Violation::property).containsExactly(AlarmChecker.LOST);
    }

    @Test
    void aCompletedAlarmWhoseClearingBecameDurableAfterAnEvictionIsDone() {
        AlarmChecker c = durableSet(1000)
                .on(RuntimeTrace.EVENT_BEGIN, "epoch=1 event=alarm")
                .on(RuntimeTrace.ALARM_FIRE, "epoch=1 scheduled=1000 now=1001 retry=0")
                .on(RuntimeTrace.EVENT_END, "epoch=1")
                .on(RuntimeTrace.ALARM_DELETE, "epoch=1")
                .on(RuntimeTrace.SEAL, "epoch=1 seq=2")
                .on(RuntimeTrace.EVICT, "epoch=1 reason=moved")
                .on(RuntimeTrace.DURABLE, "epoch=1 seq=2")
                .feed(new AlarmChecker(6, false));
        assertThat(c.finish(5_000, Long.MAX_VALUE)).isEmpty();
        assertThat(c.doneByClearing()).isEqualTo(1);
    }
}

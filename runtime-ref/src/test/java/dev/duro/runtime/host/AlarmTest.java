package dev.duro.runtime.host;

import dev.duro.model.object.AlarmInfo;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.Response;
import dev.duro.runtime.PlantedBug;
import dev.duro.runtime.RuntimeTrace;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Set;

import static dev.duro.runtime.host.HostRig.NS;
import static org.assertj.core.api.Assertions.assertThat;

/** Alarms: timing, at-least-once retries with backoff, replacement, crash survival. */
class AlarmTest {
    /** {@code /set?in=<ms>} sets the alarm that far ahead; {@code /alarm} answers it or "none". */
    static Scripted alarmScript() {
        Scripted s = new Scripted();
        s.fetch = (ctx, r) -> switch (r.pathOnly()) {
            case "/set" -> {
                long at = ctx.nowMillis() + Long.parseLong(r.query("in"));
                ctx.storage().setAlarm(at);
                yield ctx.completed(Response.ok(Long.toString(at)));
            }
            case "/alarm" -> ctx.completed(Response.ok(ctx.storage().getAlarm().map(String::valueOf).orElse("none")));
            default -> Scripted.counter(ctx, r);
        };
        return s;
    }

    @Test
    void anAlarmFiresAtOrAfterItsTimeAndIsClearedAfterTheHandlerSucceeds() {
        Scripted s = alarmScript();
        HostRig rig = new HostRig(21, HostRig.config(), s.full(NS));
        long at = Long.parseLong(rig.fetch("a", "/set?in=5000"));
        assertThat(rig.trace(RuntimeTrace.ALARM_SET)).containsExactly("id=" + HostRig.id("a").hex() + " epoch=1 at=" + at);
        rig.runMillis(4_900);
        assertThat(s.alarms).isEmpty();
        rig.runMillis(200);
        assertThat(s.alarms).containsExactly(new AlarmInfo(at, 0));
        assertThat(s.alarmWallMillis.getFirst()).isGreaterThanOrEqualTo(at);
        rig.runMillis(50);
        assertThat(rig.trace(RuntimeTrace.ALARM_FIRE)).hasSize(1).first().asString().contains("scheduled=" + at).endsWith("retry=0");
        assertThat(rig.trace(RuntimeTrace.ALARM_DONE)).hasSize(1).first().asString().endsWith("scheduled=" + at);
        assertThat(rig.fetch("a", "/alarm")).isEqualTo("none");
    }

    @Test
    void aFailingHandlerIsRetriedWithExponentialBackoffAndAGrowingRetryCount() {
        Scripted s = alarmScript();
        int[] calls = {0};
        s.alarm = (ctx, info) -> calls[0]++ < 3 ? ctx.failed(new IllegalStateException("not yet")) : ctx.completed(null);
        HostRig rig = new HostRig(22, HostRig.config(), s.full(NS));
        long at = Long.parseLong(rig.fetch("a", "/set?in=100"));
        rig.runUntil(() -> s.alarms.size() >= 4, 60_000);
        rig.runMillis(50);
        assertThat(s.alarms).extracting(AlarmInfo::retryCount).containsExactly(0, 1, 2, 3);
        assertThat(s.alarms).allMatch(i -> i.scheduledMillis() == at);
        for (int i = 1; i < 4; i++) {
            long gap = s.alarmWallMillis.get(i) - s.alarmWallMillis.get(i - 1);
            long base = 2_000L << (i - 1);
            assertThat(gap).as("gap before retry %d", i).isBetween(base, base + base / 4 + 50);
        }
        assertThat(rig.trace(RuntimeTrace.ALARM_DONE)).hasSize(1);
        assertThat(rig.fetch("a", "/alarm")).isEqualTo("none");
    }

    @Test
    void retriesStopAfterTheLimitAndTheAlarmIsDeleted() {
        Scripted s = alarmScript();
        s.alarm = (ctx, info) -> ctx.failed(new IllegalStateException("always"));
        HostRig rig = new HostRig(23, new dev.duro.runtime.config.RuntimeConfig(70_000, 140_000, 10_000, 30_000, 100, 2,
                1000, 10L << 30, 1000L * 3600, 64, Set.of()), s.full(NS));
        rig.fetch("a", "/set?in=10");
        rig.runMillis(5_000);
        assertThat(s.alarms).extracting(AlarmInfo::retryCount).containsExactly(0, 1, 2);
        assertThat(rig.fetch("a", "/alarm")).isEqualTo("none");
        assertThat(rig.trace(RuntimeTrace.ALARM_DONE)).isEmpty();
    }

    @Test
    void aNewSetAlarmReplacesAPendingRetry() {
        Scripted s = alarmScript();
        s.alarm = (ctx, info) -> info.retryCount() == 0 && s.alarms.size() == 1
                ? ctx.failed(new IllegalStateException("first attempt fails")) : ctx.completed(null);
        HostRig rig = new HostRig(24, HostRig.config(), s.full(NS));
        long first = Long.parseLong(rig.fetch("a", "/set?in=10"));
        rig.runMillis(100);
        assertThat(s.alarms).containsExactly(new AlarmInfo(first, 0));
        long second = Long.parseLong(rig.fetch("a", "/set?in=10000"));
        rig.runMillis(15_000);
        assertThat(s.alarms).containsExactly(new AlarmInfo(first, 0), new AlarmInfo(second, 0));
    }

    @Test
    void anAlarmSurvivesACrashAndIsReArmedByStart() {
        Scripted s = alarmScript();
        HostRig rig = new HostRig(25, HostRig.config(), s.full(NS));
        long at = Long.parseLong(rig.fetch("a", "/set?in=10000"));
        rig.runMillis(1_000);
        rig.crash();
        rig.runMillis(100);
        rig.restart();
        int constructedBefore = s.constructed;
        rig.runMillis(10_000);
        assertThat(s.alarms).containsExactly(new AlarmInfo(at, 0));
        assertThat(s.constructed).isEqualTo(constructedBefore + 1);
        assertThat(rig.trace(RuntimeTrace.EVICT)).anyMatch(d -> d.endsWith("reason=probe"));
    }

    @Test
    void anAlarmSurvivesEviction() {
        Scripted s = alarmScript();
        HostRig rig = new HostRig(26, HostRig.config(), s.full(NS));
        long at = Long.parseLong(rig.fetch("a", "/set?in=200000"));
        rig.runMillis(150_000);
        assertThat(rig.trace(RuntimeTrace.EVICT)).hasSize(1);
        rig.runMillis(51_000);
        assertThat(s.alarms).containsExactly(new AlarmInfo(at, 0));
    }

    @Test
    void setAlarmWithoutAnAlarmHandlerFails() {
        Scripted s = alarmScript();
        HostRig rig = new HostRig(27, HostRig.config(), s.plain(NS));
        DuroException e = (DuroException) rig.failure(r -> r.host.fetch(NS, HostRig.id("a"),
                dev.duro.model.object.Request.get("/set?in=10")));
        assertThat(e.code()).isEqualTo(ErrorCode.OBJECT_ERROR);
        assertThat(e.getCause()).isInstanceOf(DuroException.class);
        assertThat(((DuroException) e.getCause()).code()).isEqualTo(ErrorCode.NO_ALARM_HANDLER);
        assertThat(rig.trace(RuntimeTrace.ALARM_SET)).isEmpty();
    }

    @Test
    void setAlarmInTheFirstConstructorOfAClassWithoutHandlerFails() {
        Scripted s = alarmScript();
        s.onConstruct = ctx -> ctx.storage().setAlarm(ctx.nowMillis() + 1000);
        HostRig rig = new HostRig(28, HostRig.config(), s.plain(NS));
        DuroException e = (DuroException) rig.failure(r -> r.host.fetch(NS, HostRig.id("a"),
                dev.duro.model.object.Request.get("/get")));
        assertThat(e.code()).isEqualTo(ErrorCode.NO_ALARM_HANDLER);
        assertThat(rig.trace(RuntimeTrace.SEAL)).as("the constructor's write was dropped").isEmpty();
    }

    @Test
    void anAlarmInThePastFiresAtOnce() {
        Scripted s = alarmScript();
        HostRig rig = new HostRig(29, HostRig.config(), s.full(NS));
        rig.fetch("a", "/set?in=-5000");
        rig.runMillis(20);
        assertThat(s.alarms).hasSize(1);
    }

    @Test
    void plantedAlarmClearedBeforeHandlerLosesTheRetry() {
        for (boolean bug : new boolean[] {false, true}) {
            Scripted s = alarmScript();
            s.alarm = (ctx, info) -> info.retryCount() == 0 ? ctx.failed(new IllegalStateException("fail once")) : ctx.completed(null);
            HostRig rig = new HostRig(30, HostRig.config().withPlantedBugs(
                    bug ? Set.of(PlantedBug.ALARM_CLEARED_BEFORE_HANDLER) : Set.of()), s.full(NS));
            rig.fetch("a", "/set?in=10");
            rig.runMillis(5_000);
            assertThat(s.alarms).as("bug=" + bug).hasSize(bug ? 1 : 2);
        }
    }

    @Test
    void fireAlarmNowRunsTheHandlerWhateverItsTime() {
        Scripted s = alarmScript();
        HostRig rig = new HostRig(31, HostRig.config(), s.full(NS));
        assertThat(rig.<Boolean>value(r -> r.host.testHooks().fireAlarmNow(NS, HostRig.id("a"))).booleanValue()).isFalse();
        long at = Long.parseLong(rig.fetch("a", "/set?in=3600000"));
        assertThat(rig.<Boolean>value(r -> r.host.testHooks().fireAlarmNow(NS, HostRig.id("a"))).booleanValue()).isTrue();
        assertThat(s.alarms).containsExactly(new AlarmInfo(at, 0));
        assertThat(rig.fetch("a", "/alarm")).isEqualTo("none");
        assertThat(rig.host.testHooks().activationInfo(NS, HostRig.id("a")).orElseThrow().alarmMillis()).isEqualTo(Optional.empty());
    }
}

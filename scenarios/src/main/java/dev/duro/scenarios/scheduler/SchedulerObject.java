package dev.duro.scenarios.scheduler;

import dev.duro.model.async.Promise;
import dev.duro.model.object.AlarmHandler;
import dev.duro.model.object.AlarmInfo;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.storage.SqlRow;
import dev.duro.model.storage.SqlStorage;
import java.util.List;

/**
 * An alarm-driven job scheduler on the SQL API. {@code POST /schedule?id=&at=} stores job
 * {@code id} to run at wall time {@code at} (idempotent by id) and moves the alarm earlier if the
 * job is due before it. The alarm handler runs every pending job due by the alarm's scheduled
 * time (by now, if later), recording each run with the object's clock in {@code runs}, marks them done, and re-arms
 * for the earliest job left. With probability {@code failRate} an attempt throws before doing
 * anything (first attempt and first retry only), to exercise the platform's retries.
 * {@code GET /jobs} answers {@code now=<ms>} then one line per job {@code id at ranAt|-}, then one
 * per run {@code run id ranAt}. With {@code resetSame} (a workload variant drawn from the seed) a
 * schedule that does not move the alarm earlier sets it again to the time it already has: the
 * platform must neither lose it nor run it twice for that. With {@code handlerPauseMs} > 0 (another
 * variant) the handler, its writes and the next alarm done, waits that long before it returns, so
 * the next alarm often comes due while its predecessor's attempt still runs: the platform must run
 * it once that attempt has ended.
 */
public final class SchedulerObject implements DurableObject, AlarmHandler {
    private final ObjectContext ctx;
    private final double failRate;
    private final boolean resetSame;
    private final long handlerPauseMs;
    private boolean schemaReady;

    SchedulerObject(ObjectContext ctx, double failRate) {
        this(ctx, failRate, false);
    }

    SchedulerObject(ObjectContext ctx, double failRate, boolean resetSame) {
        this(ctx, failRate, resetSame, 0);
    }

    SchedulerObject(ObjectContext ctx, double failRate, boolean resetSame, long handlerPauseMs) {
        this.ctx = ctx;
        this.failRate = failRate;
        this.resetSame = resetSame;
        this.handlerPauseMs = handlerPauseMs;
    }

    private SqlStorage sql() {
        SqlStorage sql = ctx.storage().sql();
        if (!schemaReady) {
            ctx.storage().transactionSync(() -> {
                sql.exec("CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, run_at INTEGER NOT NULL, ran_at INTEGER)");
                sql.exec("CREATE TABLE IF NOT EXISTS runs (job TEXT NOT NULL, ran_at INTEGER NOT NULL)");
            });
            schemaReady = true;
        }
        return sql;
    }

    @Override
    public Promise<Response> fetch(Request request) {
        SqlStorage sql = sql();
        return ctx.completed(switch (request.pathOnly()) {
            case "/schedule" -> {
                String id = request.query("id");
                long at = Long.parseLong(request.query("at"));
                sql.exec("INSERT OR IGNORE INTO jobs (id, run_at) VALUES (?, ?)", id, at);
                java.util.Optional<Long> alarm = ctx.storage().getAlarm();
                if (alarm.isEmpty() || at < alarm.get()) {
                    ctx.storage().setAlarm(at);
                } else if (resetSame) {
                    ctx.storage().setAlarm(alarm.get());
                }
                yield Response.ok("ok");
            }
            case "/jobs" -> {
                StringBuilder b = new StringBuilder("now=").append(ctx.nowMillis()).append('\n');
                for (SqlRow r : sql.exec("SELECT id, run_at, ran_at FROM jobs ORDER BY id").toList()) {
                    Long ran = r.getLong("ran_at");
                    b.append(r.getString("id")).append(' ').append(r.getLong("run_at")).append(' ')
                            .append(ran == null ? "-" : ran.toString()).append('\n');
                }
                for (SqlRow r : sql.exec("SELECT job, ran_at FROM runs ORDER BY rowid").toList()) {
                    b.append("run ").append(r.getString("job")).append(' ').append(r.getLong("ran_at")).append('\n');
                }
                yield Response.ok(b.toString());
            }
            default -> Response.status(404, "no route " + request.pathOnly());
        });
    }

    @Override
    public Promise<Void> alarm(AlarmInfo info) {
        if (info.retryCount() < 2 && ctx.entropy().chance(failRate)) {
            throw new IllegalStateException("planned handler failure (attempt " + info.retryCount() + ")");
        }
        SqlStorage sql = sql();
        long now = ctx.nowMillis();
        // Due: by the alarm's own time (so an alarm firing early shows as an early run), and, once
        // the alarm is on time, everything due by now (a backlog after downtime clears in one go).
        long dueBy = now >= info.scheduledMillis() ? now : info.scheduledMillis();
        List<SqlRow> due = sql.exec("SELECT id FROM jobs WHERE ran_at IS NULL AND run_at <= ? ORDER BY run_at, id",
                dueBy).toList();
        for (SqlRow r : due) {
            sql.exec("UPDATE jobs SET ran_at = ? WHERE id = ?", now, r.getString("id"));
            sql.exec("INSERT INTO runs (job, ran_at) VALUES (?, ?)", r.getString("id"), now);
        }
        Long next = sql.exec("SELECT min(run_at) AS next FROM jobs WHERE ran_at IS NULL").one().getLong("next");
        if (next != null) ctx.storage().setAlarm(next);
        if (handlerPauseMs == 0) return ctx.completed(null);
        Promise<Void> paused = ctx.promise();
        ctx.setTimeout(handlerPauseMs, () -> paused.complete(null));
        return paused;
    }
}

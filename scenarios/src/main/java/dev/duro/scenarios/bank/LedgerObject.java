package dev.duro.scenarios.bank;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.model.storage.SqlRow;
import dev.duro.model.storage.SqlStorage;
import java.util.List;

/**
 * A bank ledger on the SQL API: table {@code accounts(id, balance)} opened with
 * {@link #INITIAL_BALANCE} each, and {@code transfers(id, src, dst, amount)} recording every
 * transfer applied. Routes:
 * <ul>
 *   <li>{@code POST /transfer?id=&from=&to=&amount=}: in one {@code transactionSync}, debits, throws
 *       (rolling back the debit) if that overdraws, credits and records the id. Idempotent by id:
 *       a transfer already recorded answers {@code ok} again. Answers {@code ok} or 409
 *       {@code insufficient}.</li>
 *   <li>{@code GET /balances}: {@code a0=100 a1=... transfers=N}.</li>
 *   <li>{@code GET /transfers}: one applied transfer per line: {@code id src dst amount}.</li>
 * </ul>
 * With {@code syncInside} (a workload variant drawn from the seed) the transfer also calls
 * {@code storage().sync()} inside its transaction, right after the debit (so on the rollback path
 * too), and answers only once that promise completes: a sync that sees uncommitted writes, and
 * writes rolled back after it, must neither hang nor make anything durable that was rolled back.
 */
public final class LedgerObject implements DurableObject {
    public static final long INITIAL_BALANCE = 100;

    private final ObjectContext ctx;
    private final int accounts;
    private final boolean syncInside;
    private boolean schemaReady;

    LedgerObject(ObjectContext ctx, int accounts) {
        this(ctx, accounts, false);
    }

    LedgerObject(ObjectContext ctx, int accounts, boolean syncInside) {
        this.ctx = ctx;
        this.accounts = accounts;
        this.syncInside = syncInside;
    }

    /** Thrown inside the transaction to roll it back. */
    private static final class Insufficient extends RuntimeException {
        Insufficient(String message) {
            super(message, null, false, false);
        }
    }

    private SqlStorage sql() {
        SqlStorage sql = ctx.storage().sql();
        if (!schemaReady) {
            ctx.storage().transactionSync(() -> {
                sql.exec("CREATE TABLE IF NOT EXISTS accounts (id TEXT PRIMARY KEY, balance INTEGER NOT NULL)");
                sql.exec("CREATE TABLE IF NOT EXISTS transfers (id TEXT PRIMARY KEY, src TEXT NOT NULL, dst TEXT NOT NULL, "
                        + "amount INTEGER NOT NULL)");
                for (int i = 0; i < accounts; i++) {
                    sql.exec("INSERT OR IGNORE INTO accounts (id, balance) VALUES (?, ?)", "a" + i, INITIAL_BALANCE);
                }
            });
            schemaReady = true;
        }
        return sql;
    }

    @Override
    public Promise<Response> fetch(Request request) {
        SqlStorage sql = sql();
        if (request.pathOnly().equals("/transfer")) {
            return transfer(sql, request.query("id"), request.query("from"), request.query("to"),
                    Long.parseLong(request.query("amount")));
        }
        return ctx.completed(switch (request.pathOnly()) {
            case "/balances" -> {
                StringBuilder b = new StringBuilder();
                for (SqlRow r : sql.exec("SELECT id, balance FROM accounts ORDER BY id").toList()) {
                    b.append(r.getString("id")).append('=').append(r.getLong("balance")).append(' ');
                }
                b.append("transfers=").append(sql.exec("SELECT count(*) AS n FROM transfers").one().getLong("n"));
                yield Response.ok(b.toString());
            }
            case "/transfers" -> {
                StringBuilder b = new StringBuilder();
                for (SqlRow r : sql.exec("SELECT id, src, dst, amount FROM transfers ORDER BY id").toList()) {
                    b.append(r.getString("id")).append(' ').append(r.getString("src")).append(' ').append(r.getString("dst"))
                            .append(' ').append(r.getLong("amount")).append('\n');
                }
                yield Response.ok(b.toString());
            }
            default -> Response.status(404, "no route " + request.pathOnly());
        });
    }

    private Promise<Response> transfer(SqlStorage sql, String id, String from, String to, long amount) {
        List<Promise<Void>> synced = new java.util.ArrayList<>(1);
        Response answer;
        try {
            String ok = ctx.storage().transactionSync(() -> {
                List<SqlRow> seen = sql.exec("SELECT id FROM transfers WHERE id = ?", id).toList();
                if (!seen.isEmpty()) return "ok";
                sql.exec("UPDATE accounts SET balance = balance - ? WHERE id = ?", amount, from);
                if (syncInside) synced.add(ctx.storage().sync());
                long left = sql.exec("SELECT balance FROM accounts WHERE id = ?", from).one().getLong("balance");
                if (left < 0) throw new Insufficient(from + " would hold " + left);
                sql.exec("UPDATE accounts SET balance = balance + ? WHERE id = ?", amount, to);
                sql.exec("INSERT INTO transfers (id, src, dst, amount) VALUES (?, ?, ?, ?)", id, from, to, amount);
                return "ok";
            });
            answer = Response.ok(ok);
        } catch (Insufficient e) {
            answer = Response.status(409, "insufficient: " + e.getMessage());
        }
        Response result = answer;
        return synced.isEmpty() ? ctx.completed(result) : synced.getFirst().map(v -> result);
    }
}

package dev.duro.runtime.semantics;

import dev.duro.model.async.Promise;
import dev.duro.model.object.DuroException;
import dev.duro.model.object.DurableObject;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectContext;
import dev.duro.model.object.Request;
import dev.duro.model.object.Response;
import dev.duro.runtime.config.NamespaceBinding;
import dev.duro.runtime.config.RuntimeConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static dev.duro.runtime.semantics.NodeRig.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input, end to end: client library → gateway → host → object → storage and back. Each
 * mistake gets its documented code (docs/runtime.md "Errors") and a message that says what to do;
 * afterwards a write acknowledged before is still there and the object keeps serving.
 */
class BadInputEndToEndTest {
    static final String NS = "ITEMS";

    /** A KV item store whose paths each make one mistake. No alarm handler. */
    static final class Items implements DurableObject {
        private final ObjectContext ctx;

        Items(ObjectContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Promise<Response> fetch(Request r) {
            switch (r.pathOnly()) {
                case "/put" -> ctx.storage().put(r.query("k"), r.query("v"));
                case "/get" -> {
                    return ctx.completed(Response.ok(String.valueOf(ctx.storage().get(r.query("k"), String.class))));
                }
                case "/big-key" -> ctx.storage().put("k".repeat(2 * 1024 + 1), "v");
                case "/big-value" -> ctx.storage().put("big", new byte[2 * 1024 * 1024 + 1]);
                case "/reserved-table" -> ctx.storage().sql().exec("CREATE TABLE _duro_mine(a)");
                case "/forbidden-sql" -> ctx.storage().sql().exec("BEGIN");
                case "/nondeterministic-sql" -> ctx.storage().sql().exec("CREATE TABLE t AS SELECT random() AS r");
                case "/set-alarm" -> ctx.storage().setAlarm(ctx.nowMillis() + 1_000);
                case "/throw" -> throw new IllegalArgumentException("quantity must be positive; send ?q=1 or more");
                default -> {
                    return ctx.completed(Response.status(404, "no such path"));
                }
            }
            return ctx.completed(Response.ok("done"));
        }
    }

    private final NodeRig rig = new NodeRig(7, RuntimeConfig.defaults(), new NamespaceBinding(NS, Items::new));

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "/big-key              | KEY_TOO_LARGE         | use a shorter key",
            "/big-value            | VALUE_TOO_LARGE       | split it over several keys",
            "/reserved-table       | RESERVED_NAME         | choose another name",
            "/forbidden-sql        | FORBIDDEN_SQL         | transactionSync",
            "/nondeterministic-sql | NON_DETERMINISTIC_SQL | random",
            "/set-alarm            | NO_ALARM_HANDLER      | implement dev.duro.model.object.AlarmHandler",
            "/throw                | OBJECT_ERROR          | send ?q=1 or more"})
    void aMistakeInsideTheObjectReachesTheCallerAsARemoteErrorNamingTheCodeAndTheFix(String path, ErrorCode inner, String advice) {
        assertThat(rig.text(NS, "shop", Request.post("/put?k=apples&v=3", ""))).isEqualTo("done");

        DuroException e = rig.fetchError(NS, "shop", Request.post(path, ""));
        assertThat(e.code()).isEqualTo(ErrorCode.OBJECT_ERROR);
        assertThat(e.isRemote()).isTrue();
        assertThat(e.isRetryable()).as("a bug in the request or the object: retrying does not help").isFalse();
        assertThat(e.getMessage()).contains(advice);
        if (inner != ErrorCode.OBJECT_ERROR) assertThat(e.getMessage()).startsWith(inner + ": ");

        assertThat(rig.text(NS, "shop", Request.get("/get?k=apples"))).as("the acknowledged write survives").isEqualTo("3");
        assertThat(rig.text(NS, "shop", Request.post("/put?k=pears&v=5", ""))).as("the object keeps serving").isEqualTo("done");
        assertThat(rig.text(NS, "shop", Request.get("/get?k=pears"))).isEqualTo("5");
        assertThat(rig.text(NS, "shop", Request.get("/get?k=big"))).as("the refused write left nothing").isEqualTo("null");
    }

    @Test
    void noResetHappensForBadInput() {
        for (String path : new String[]{"/big-key", "/forbidden-sql", "/set-alarm", "/throw"}) {
            rig.fetchError(NS, "shop", Request.post(path, ""));
        }
        assertThat(rig.trace("obj-reset")).as("user mistakes are not resets").isEmpty();
        assertThat(rig.trace("obj-recover-begin")).hasSize(1);
    }

    @Test
    void callerMistakesAreRefusedByTheGatewayWithTheirOwnCodes() {
        assertThat(rig.text(NS, "shop", Request.post("/put?k=apples&v=3", ""))).isEqualTo("done");

        DuroException malformed = rig.error(() -> rig.client().fetchById(SERVER, NS, "not-an-id", Request.get("/get?k=apples"),
                NodeRig.CALL_TIMEOUT_NANOS));
        assertThat(malformed.code()).isEqualTo(ErrorCode.INVALID_ID);
        assertThat(malformed.getMessage()).contains("64 hex digits");
        assertThat(malformed.isRemote()).isFalse();

        String otherNamespacesId = new dev.duro.runtime.ids.ObjectIds("OTHER", NodeRig.SECRET).fromName("shop").hex();
        DuroException foreign = rig.error(() -> rig.client().fetchById(SERVER, NS, otherNamespacesId, Request.get("/get?k=apples"),
                NodeRig.CALL_TIMEOUT_NANOS));
        assertThat(foreign.code()).isEqualTo(ErrorCode.INVALID_ID);
        assertThat(foreign.getMessage()).contains("does not belong to namespace 'ITEMS'");

        DuroException unknown = rig.fetchError("ITEM", "shop", Request.get("/get?k=apples"));
        assertThat(unknown.code()).isEqualTo(ErrorCode.UNKNOWN_NAMESPACE);
        assertThat(unknown.getMessage()).contains("'ITEM'").contains("ITEMS");

        String goodId = rig.id(NS, "shop").hex();
        Response byId = rig.value(() -> rig.client().fetchById(SERVER, NS, goodId.toUpperCase(), Request.get("/get?k=apples"),
                NodeRig.CALL_TIMEOUT_NANOS));
        assertThat(byId.bodyText()).as("the same object, by id; its write is still there").isEqualTo("3");
    }

    @Test
    void afterACrashTheAcknowledgedWritesAreStillThereAndBadInputLeftNothing() {
        rig.text(NS, "shop", Request.post("/put?k=apples&v=3", ""));
        rig.fetchError(NS, "shop", Request.post("/big-value", ""));
        rig.fetchError(NS, "shop", Request.post("/nondeterministic-sql", ""));
        rig.server.crash();
        rig.runMillis(10);
        rig.server.restart();
        rig.runMillis(10);
        assertThat(rig.text(NS, "shop", Request.get("/get?k=apples"))).isEqualTo("3");
        assertThat(rig.text(NS, "shop", Request.get("/get?k=big"))).isEqualTo("null");
    }
}

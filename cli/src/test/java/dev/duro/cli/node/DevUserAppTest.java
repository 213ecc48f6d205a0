package dev.duro.cli.node;

import dev.duro.cli.CliRun;
import dev.duro.cli.UserError;
import dev.duro.examples.Leaderboard;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code duro dev --namespace NAME=CLASS [--worker CLASS] [--classpath PATHS]}: a user's classes
 * load as they are, and every mistake is one {@code duro:} line and exit 2, before any node starts.
 */
class DevUserAppTest {
    @Test
    void theExampleLeaderboardLoadsAsItIsWithTheRoutingWorker() {
        UserApp app = UserApp.load(List.of("BOARDS=" + Leaderboard.class.getName()), null, null);
        assertThat(app.worker()).isInstanceOf(UserApp.RoutingWorker.class);
        assertThat(app.deployment().apply(new byte[32]).namespaces()).containsOnlyKeys("BOARDS");
        assertThat(app.describe()).contains("BOARDS=dev.duro.examples.Leaderboard");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--namespace|BOARDS|--namespace wants NAME=CLASS",
        "--namespace|BOARDS=com.example.Missing|cannot load class 'com.example.Missing'",
        "--namespace|BOARDS=java.lang.String|does not implement dev.duro.model.object.DurableObject",
        "--worker|java.lang.String|--worker needs at least one --namespace",
        "--classpath|/no/such/dir|",
    })
    void mistakesAreOneLineAndExit2(String flag, String value, String message) {
        List<String> args = new java.util.ArrayList<>(List.of("dev", "--port", "0", "--data", "target/dev-user-app-test"));
        args.addAll(List.of(flag, value));
        if (flag.equals("--classpath")) args.addAll(List.of("--namespace", "BOARDS=" + Leaderboard.class.getName()));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertThat(run.exit()).as(run.all()).isEqualTo(2);
        assertThat(run.showsStackTrace()).as(run.all()).isFalse();
        assertThat(run.err().strip()).as(run.all()).startsWith("duro: ").doesNotContain("\n")
                .contains(message == null ? "--classpath entry '/no/such/dir' does not exist" : message);
    }

    @Test
    void aWorkerThatIsNotAWorkerIsRefused() {
        assertThatThrownBy(() -> UserApp.load(List.of("BOARDS=" + Leaderboard.class.getName()), "java.lang.String", null))
                .isInstanceOf(UserError.class).hasMessageContaining("--worker: java.lang.String does not implement");
    }
}

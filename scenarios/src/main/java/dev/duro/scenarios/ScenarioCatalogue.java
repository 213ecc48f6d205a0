package dev.duro.scenarios;

import dev.duro.scenarios.bank.BankScenario;
import dev.duro.scenarios.chat.ChatScenario;
import dev.duro.scenarios.counter.CounterScenario;
import dev.duro.scenarios.demo.LogDemoScenario;
import dev.duro.scenarios.kv.KvScenario;
import dev.duro.scenarios.ping.PingScenario;
import dev.duro.scenarios.ratelimit.LimiterScenario;
import dev.duro.scenarios.scheduler.SchedulerScenario;
import dev.duro.sim.run.Scenario;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every scenario {@code duro sim} can run, by name. To add one, add one line to {@link #ALL}.
 */
public final class ScenarioCatalogue {
    /** What {@code duro sim run} runs when no {@code --scenario} is given. */
    public static final String DEFAULT = KvScenario.NAME;

    private static final List<Scenario> ALL = List.of(
            new KvScenario(),
            new CounterScenario(),
            new BankScenario(),
            new ChatScenario(),
            new LimiterScenario(),
            new SchedulerScenario(),
            new LogDemoScenario(),
            new PingScenario());

    private static final Map<String, Scenario> BY_NAME = index();

    private ScenarioCatalogue() {}

    /** All scenarios in catalogue order. */
    public static List<Scenario> all() {
        return ALL;
    }

    public static Optional<Scenario> find(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    private static Map<String, Scenario> index() {
        Map<String, Scenario> m = new LinkedHashMap<>();
        for (Scenario s : ALL) {
            if (m.put(s.name(), s) != null) throw new IllegalStateException("two scenarios named " + s.name());
        }
        if (!m.containsKey(DEFAULT)) throw new IllegalStateException("default scenario " + DEFAULT + " is not in the catalogue");
        return m;
    }
}

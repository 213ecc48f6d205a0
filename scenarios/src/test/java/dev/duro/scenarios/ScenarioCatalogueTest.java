package dev.duro.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScenarioCatalogueTest {
    @Test
    void defaultScenarioIsListedAndNamesAreUnique() {
        assertThat(ScenarioCatalogue.find(ScenarioCatalogue.DEFAULT)).isPresent();
        assertThat(ScenarioCatalogue.names()).doesNotHaveDuplicates().contains("ping", "log-demo", "kv", "counter", "bank",
                "chat", "rate-limiter", "scheduler");
        assertThat(ScenarioCatalogue.DEFAULT).isEqualTo("kv");
        assertThat(ScenarioCatalogue.find("nope")).isEmpty();
        ScenarioCatalogue.all().forEach(s -> assertThat(s.description()).isNotBlank());
    }
}

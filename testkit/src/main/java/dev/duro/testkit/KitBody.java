package dev.duro.testkit;

import dev.duro.scenarios.testkit.ClusterTestKit;

/** A test's workload and checks against one fresh {@link ClusterTestKit}; it may throw anything, assertion errors included. */
@FunctionalInterface
public interface KitBody {
    void run(ClusterTestKit kit) throws Exception;
}

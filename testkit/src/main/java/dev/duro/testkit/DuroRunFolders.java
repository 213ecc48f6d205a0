package dev.duro.testkit;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A jqwik lifecycle hook for properties that use {@link DuroCheck}: when a property fails, it
 * takes the failure jqwik ends with (the shrunk sample's), runs that check once more with its
 * trace recorded, and writes a run folder under {@code duro-runs/} (or the {@code duro.runs.dir}
 * system property) named after the property, with a {@code report.html}. The property's failure
 * then says where the folder is, after Duro's repro line and jqwik's own seed. Register it on the
 * test class: {@code @AddLifecycleHook(DuroRunFolders.class)}.
 */
public final class DuroRunFolders implements AroundPropertyHook {
    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        PropertyExecutionResult result = property.execute();
        if (result.status() != PropertyExecutionResult.Status.FAILED) return result;
        Optional<DuroFailure> failure = result.throwable().flatMap(DuroRunFolders::duroFailure);
        if (failure.isEmpty()) return result;
        String name = context.containerClass().getSimpleName() + "." + context.targetMethod().getName();
        Path dir = Path.of(System.getProperty("duro.runs.dir", "duro-runs"), name);
        String where;
        try {
            where = "duro run folder: " + failure.get().writeRunFolder(dir, name);
        } catch (RuntimeException e) {
            where = "duro run folder: not written (" + e.getMessage() + ")";
        }
        String seed = result.seed().map(s -> "\njqwik seed: " + s + " (rerun it with @Property(seed = \"" + s + "\"))").orElse("");
        context.reporter().publishValue("duro", failure.get().repro() + "; " + where);
        return result.mapToFailed(new DuroFailure(failure.get(), seed + "\n" + where));
    }

    private static Optional<DuroFailure> duroFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof DuroFailure f) return Optional.of(f);
        }
        return Optional.empty();
    }
}

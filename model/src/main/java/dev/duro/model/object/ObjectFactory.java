package dev.duro.model.object;

/**
 * Builds an object for one activation; usually a constructor reference ({@code Counter::new}).
 * Called again after eviction, hibernation or reset, so it must not keep per-object state outside
 * the instance it returns.
 */
@FunctionalInterface
public interface ObjectFactory {
    DurableObject create(ObjectContext context);
}

package dev.duro.model.util;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The only escape from the determinism ban (enforced by ArchUnit): marks a class or member that
 * may touch wall-clock time, threads, real I/O or unseeded randomness in a module that otherwise
 * must not. {@link #value()} says why this use cannot leak into a simulated run's behaviour.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
public @interface AllowNondeterminism {
    /** Why this use is safe. Required; an empty reason fails the architecture test. */
    String value();
}

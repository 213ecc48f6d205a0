package dev.duro.runtime.config;

import dev.duro.model.object.ObjectFactory;

import java.util.Objects;

/**
 * A namespace: a binding name (letters, digits, '_' and '-', 1..64 chars) and the factory of its
 * object class.
 */
public record NamespaceBinding(String name, ObjectFactory factory) {
    public NamespaceBinding {
        Objects.requireNonNull(factory, "factory");
        if (name == null || !name.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("a namespace name is 1..64 letters, digits, '_' or '-', got: " + name);
        }
    }
}

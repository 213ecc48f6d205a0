package dev.duro.runtime.config;

import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;

/**
 * The set of namespaces a node serves, and the secret their ids are keyed with. Every node of a
 * cluster (and every client that makes ids) must use the same secret.
 */
public final class Deployment {
    private final byte[] secret;
    private final SequencedMap<String, NamespaceBinding> namespaces;

    public Deployment(byte[] secret, List<NamespaceBinding> bindings) {
        if (secret == null || secret.length < 16) {
            throw new IllegalArgumentException("the deployment secret must be at least 16 bytes");
        }
        this.secret = secret.clone();
        SequencedMap<String, NamespaceBinding> m = new LinkedHashMap<>();
        for (NamespaceBinding b : bindings) {
            if (m.putIfAbsent(b.name(), b) != null) {
                throw new IllegalArgumentException("namespace " + b.name() + " is bound twice");
            }
        }
        this.namespaces = Collections.unmodifiableSequencedMap(m);
    }

    public byte[] secret() {
        return secret.clone();
    }

    /** In binding order. */
    public SequencedMap<String, NamespaceBinding> namespaces() {
        return namespaces;
    }

    /** The binding, or {@link ErrorCode#UNKNOWN_NAMESPACE} naming the ones that exist. */
    public NamespaceBinding namespace(String name) {
        NamespaceBinding b = namespaces.get(name);
        if (b == null) {
            throw new DuroException(ErrorCode.UNKNOWN_NAMESPACE, "no namespace '" + name + "' in this deployment; bound: "
                    + String.join(", ", namespaces.keySet()));
        }
        return b;
    }

    @Override
    public String toString() {
        return "Deployment" + namespaces.keySet() + " secret=" + Arrays.hashCode(secret);
    }
}

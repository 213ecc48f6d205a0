package dev.duro.deploy.config;

/**
 * A cluster file that cannot be used: the message is one line naming the file, the line (when one
 * is to blame) and what is wrong, e.g. {@code cluster.toml:7: replicas must be 1, 3 or 5, got 2}.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}

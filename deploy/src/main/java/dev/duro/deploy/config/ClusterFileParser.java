package dev.duro.deploy.config;

import dev.duro.model.world.NodeId;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a cluster file: a subset of TOML, parsed by hand so the module needs no parser library.
 *
 * <pre>
 * # comments run to the end of the line
 * replicas = 3                 # 1, 3 or 5
 * lease_ms = 2000              # optional, default 2000
 * drift_bound_ppm = 1000       # optional, default 1000
 * data_dir = "/var/lib/duro"   # node n0 keeps its data in /var/lib/duro/n0
 * secret_file = "secret"       # or secret = "..." (at least 16 bytes); relative paths are relative to this file
 *
 * [[member]]
 * id = "n0"
 * host = "10.0.0.1"            # IP literal or DNS name
 * node_port = 7100
 * http_port = 8787
 * location = "eu"              # optional; every member has one or none does
 * </pre>
 *
 * Values are double-quoted strings (escapes {@code \"} and {@code \\}) or decimal integers
 * ({@code _} allowed between digits). Anything else (other tables, arrays, floats, booleans,
 * unknown or repeated keys) is an error: one line naming the file, the line and what is wrong.
 */
public final class ClusterFileParser {
    static final long DEFAULT_LEASE_MILLIS = 2_000;
    static final long DEFAULT_DRIFT_BOUND_PPM = 1_000;
    private static final Set<String> TOP_KEYS = Set.of("replicas", "lease_ms", "drift_bound_ppm", "data_dir", "secret", "secret_file");
    private static final Set<String> MEMBER_KEYS = Set.of("id", "host", "node_port", "http_port", "location");
    private static final int MIN_SECRET_BYTES = 16;

    private ClusterFileParser() {
    }

    /** Reads and checks {@code file}. */
    public static ClusterFile read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read the cluster file: " + IoText.of(e));
        }
        Path base = file.toAbsolutePath().getParent();
        return parse(file.toString(), text, base);
    }

    /**
     * Parses {@code text}; {@code source} names it in errors and {@code base} resolves relative
     * paths.
     */
    public static ClusterFile parse(String source, String text, Path base) {
        return new Reader(source, base).read(text);
    }

    /** A value and the line it came from. */
    private record Entry(Object value, int line) {
    }

    private static final class Reader {
        private final String source;
        private final Path base;
        private final Map<String, Entry> top = new LinkedHashMap<>();
        private final List<Map<String, Entry>> members = new ArrayList<>();
        private final List<Integer> memberLines = new ArrayList<>();

        Reader(String source, Path base) {
            this.source = source;
            this.base = base;
        }

        private ConfigException error(int line, String what) {
            return new ConfigException(source + (line > 0 ? ":" + line : "") + ": " + what);
        }

        ClusterFile read(String text) {
            String[] lines = text.split("\r?\n", -1);
            Map<String, Entry> table = top;
            for (int i = 0; i < lines.length; i++) {
                int n = i + 1;
                String line = stripComment(lines[i], n).strip();
                if (line.isEmpty()) continue;
                if (line.startsWith("[")) {
                    if (!line.equals("[[member]]")) {
                        throw error(n, "unknown section " + line + "; the only section is [[member]]");
                    }
                    table = new LinkedHashMap<>();
                    members.add(table);
                    memberLines.add(n);
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq < 0) throw error(n, "expected key = value, got '" + line + "'");
                String key = line.substring(0, eq).strip();
                Set<String> allowed = table == top ? TOP_KEYS : MEMBER_KEYS;
                if (!allowed.contains(key)) {
                    throw error(n, "unknown key '" + key + "'" + (table == top ? "" : " in [[member]]") + "; known: "
                            + String.join(", ", allowed.stream().sorted().toList()));
                }
                if (table.containsKey(key)) throw error(n, "'" + key + "' is set twice (first on line " + table.get(key).line() + ")");
                table.put(key, new Entry(value(line.substring(eq + 1).strip(), key, n), n));
            }
            return build();
        }

        /** The line without a trailing comment; a '#' inside a string is kept. */
        private String stripComment(String line, int n) {
            boolean inString = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (inString && c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = !inString;
                } else if (c == '#' && !inString) {
                    return line.substring(0, i);
                }
            }
            return line;
        }

        private Object value(String raw, String key, int n) {
            if (raw.isEmpty()) throw error(n, "'" + key + "' has no value");
            if (raw.startsWith("\"")) return string(raw, key, n);
            String digits = raw.replace("_", "");
            if (!digits.matches("-?[0-9]{1,18}") || raw.startsWith("_") || raw.endsWith("_") || raw.contains("__")) {
                throw error(n, "'" + key + "' must be a \"string\" or an integer, got " + raw);
            }
            return Long.parseLong(digits);
        }

        private String string(String raw, String key, int n) {
            StringBuilder out = new StringBuilder();
            int i = 1;
            for (; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c == '"') break;
                if (c == '\\') {
                    if (i + 1 >= raw.length()) break;
                    char e = raw.charAt(++i);
                    if (e != '"' && e != '\\') throw error(n, "'" + key + "': unsupported escape \\" + e + " (only \\\" and \\\\)");
                    out.append(e);
                } else {
                    out.append(c);
                }
            }
            if (i >= raw.length()) throw error(n, "'" + key + "': the string is not closed with \"");
            if (i != raw.length() - 1) throw error(n, "'" + key + "': unexpected text after the string: " + raw.substring(i + 1));
            return out.toString();
        }

        // ------------------------------------------------------------ checks and assembly

        private ClusterFile build() {
            long replicas = integer(top, "replicas", 0, true);
            Entry replicasEntry = top.get("replicas");
            long lease = top.containsKey("lease_ms") ? integer(top, "lease_ms", 0, true) : DEFAULT_LEASE_MILLIS;
            if (lease <= 0) throw error(top.get("lease_ms").line(), "lease_ms must be positive, got " + lease);
            long drift = top.containsKey("drift_bound_ppm") ? integer(top, "drift_bound_ppm", 0, true) : DEFAULT_DRIFT_BOUND_PPM;
            if (drift < 0 || drift >= 100_000) {
                throw error(top.get("drift_bound_ppm").line(), "drift_bound_ppm must be in [0, 100000), got " + drift);
            }
            Path dataDir = path(top, "data_dir");
            byte[] secret = secret();
            if (members.isEmpty()) throw error(0, "no [[member]] section; a cluster needs at least one member");
            List<Member> parsed = new ArrayList<>();
            for (int i = 0; i < members.size(); i++) parsed.add(member(members.get(i), memberLines.get(i)));
            checkDistinct(parsed);
            parsed.sort(Comparator.comparing(Member::id));
            if (replicas != 1 && replicas != 3 && replicas != 5) {
                throw error(replicasEntry.line(), "replicas must be 1, 3 or 5, got " + replicas);
            }
            if (replicas > parsed.size()) {
                throw error(replicasEntry.line(), replicas + " replicas need at least " + replicas + " members; the file names "
                        + parsed.size());
            }
            ClusterFile file = new ClusterFile(source, parsed, (int) replicas, lease, drift, dataDir, secret);
            try {
                file.cluster(); // the runtime's own checks (locations all or none, their labels)
            } catch (IllegalArgumentException e) {
                throw error(0, e.getMessage());
            }
            return file;
        }

        private long integer(Map<String, Entry> table, String key, int sectionLine, boolean required) {
            Entry e = table.get(key);
            if (e == null) {
                if (!required) return -1;
                throw error(sectionLine, "missing '" + key + "'" + (table == top ? "" : " in the [[member]] section"));
            }
            if (!(e.value() instanceof Long l)) throw error(e.line(), "'" + key + "' must be an integer, got a string");
            return l;
        }

        private String text(Map<String, Entry> table, String key, int sectionLine, boolean required) {
            Entry e = table.get(key);
            if (e == null) {
                if (!required) return null;
                throw error(sectionLine, "missing '" + key + "'" + (table == top ? "" : " in the [[member]] section"));
            }
            if (!(e.value() instanceof String s)) throw error(e.line(), "'" + key + "' must be a \"string\", got " + e.value());
            if (s.isBlank()) throw error(e.line(), "'" + key + "' must not be empty");
            return s;
        }

        private Path path(Map<String, Entry> table, String key) {
            String s = text(table, key, 0, true);
            try {
                Path p = Path.of(s);
                return p.isAbsolute() || base == null ? p : base.resolve(p);
            } catch (RuntimeException e) {
                throw error(table.get(key).line(), "'" + key + "' is not a usable path: " + s);
            }
        }

        private byte[] secret() {
            boolean inline = top.containsKey("secret");
            boolean file = top.containsKey("secret_file");
            if (inline && file) throw error(top.get("secret_file").line(), "give 'secret' or 'secret_file', not both");
            if (!inline && !file) throw error(0, "missing 'secret_file' (or 'secret'): the key node-to-node traffic is authenticated with");
            byte[] secret;
            int line;
            if (inline) {
                secret = text(top, "secret", 0, true).getBytes(StandardCharsets.UTF_8);
                line = top.get("secret").line();
            } else {
                Path p = path(top, "secret_file");
                line = top.get("secret_file").line();
                try {
                    secret = Files.readString(p, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw error(line, "cannot read the secret file " + p + ": " + IoText.of(e));
                }
            }
            if (secret.length < MIN_SECRET_BYTES) {
                throw error(line, "the secret has " + secret.length + " bytes; it needs at least " + MIN_SECRET_BYTES
                        + " (e.g. openssl rand -hex 32 > secret)");
            }
            return secret;
        }

        private Member member(Map<String, Entry> m, int line) {
            String idText = text(m, "id", line, true);
            NodeId id;
            try {
                id = NodeId.parse(idText);
            } catch (IllegalArgumentException e) {
                throw error(m.get("id").line(), e.getMessage());
            }
            String host = text(m, "host", line, true);
            int nodePort = port(m, "node_port", line);
            int httpPort = port(m, "http_port", line);
            String location = text(m, "location", line, false);
            return new Member(id, host, nodePort, httpPort, location, line);
        }

        private int port(Map<String, Entry> m, String key, int line) {
            long p = integer(m, key, line, true);
            if (p < 1 || p > 65_535) throw error(m.get(key).line(), "'" + key + "' must be a port in 1..65535, got " + p);
            return (int) p;
        }

        private void checkDistinct(List<Member> parsed) {
            Map<NodeId, Member> byId = new LinkedHashMap<>();
            Map<String, String> ports = new LinkedHashMap<>();
            for (Member m : parsed) {
                Member other = byId.putIfAbsent(m.id(), m);
                if (other != null) throw error(m.line(), "member " + m.id() + " is named twice (also on line " + other.line() + ")");
                for (var use : List.of(Map.entry("node_port", m.nodePort()), Map.entry("http_port", m.httpPort()))) {
                    String where = m.host() + ":" + use.getValue();
                    String clash = ports.putIfAbsent(where, m.id() + " " + use.getKey());
                    if (clash != null) {
                        throw error(m.line(), m.id() + " " + use.getKey() + " " + where + " is already used by " + clash);
                    }
                }
            }
        }
    }
}

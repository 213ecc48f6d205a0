package dev.duro.model.check;

import dev.duro.model.history.Edn;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** The registry of models by command-line name; {@code initial} is an EDN value or null for the default. */
public final class Models {
    private Models() {}

    private record Entry(String name, String defaultInitial, Function<Object, Model> factory, String summary) {}

    private static final List<Entry> ALL = List.of(
            new Entry("cas-register", "nil", init -> new RegisterModel(true, init),
                    "read / write(v) / cas([from to]); Porcupine's etcd model and Knossos's cas-register"),
            new Entry("counter", "0", CounterModel::new, "add(delta) / read"),
            new Entry("kv", "\"\"", KvModel::new, "get / put / append per key (partitioned by key)"),
            new Entry("list-append", "[]", ListAppendModel::new, "append(v) / read -> the whole list"),
            new Entry("multi-register", "nil", MultiRegisterModel::new,
                    "txn([[:read k v] [:write k v] ...]) over named registers (Knossos)"),
            new Entry("mutex", "false", init -> new MutexModel(), "acquire / release (Knossos)"),
            new Entry("register", "nil", init -> new RegisterModel(false, init), "read / write(v)"),
            new Entry("set", "#{}", SetModel::new, "add(v) / read -> the whole set"));

    /** Model names, sorted. */
    public static List<String> names() {
        return ALL.stream().map(Entry::name).toList();
    }

    /** One line per model: name, default initial state, operations. */
    public static List<String> summaries() {
        return ALL.stream().map(e -> e.name() + " (initial " + e.defaultInitial() + "): " + e.summary()).toList();
    }

    /**
     * A fresh model. Throws {@link IllegalArgumentException} for an unknown name or an initial
     * value that is not EDN.
     */
    public static Model create(String name, String initial) {
        String key = name.toLowerCase(Locale.ROOT);
        for (Entry e : ALL) {
            if (e.name().equals(key)) {
                String text = initial == null ? e.defaultInitial() : initial;
                Edn edn = new Edn(text, "--initial", 1);
                Object v;
                try {
                    v = edn.read();
                    if (!edn.atEnd()) throw new IllegalArgumentException("--initial must be one EDN value: " + text);
                } catch (RuntimeException ex) {
                    throw new IllegalArgumentException("--initial is not an EDN value: " + text);
                }
                return e.factory().apply(v);
            }
        }
        throw new IllegalArgumentException("unknown model '" + name + "' (known: " + String.join(", ", names()) + ")");
    }
}

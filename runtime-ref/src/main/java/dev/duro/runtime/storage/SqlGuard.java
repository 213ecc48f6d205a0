package dev.duro.runtime.storage;

import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides, before SQLite sees it, whether a user statement may run and whether it must be logged.
 * Works on tokens (string literals, comments and quoted identifiers are recognised), never on raw
 * text. What it refuses and why is in docs/storage.md; functions whose value depends on when or
 * where they run are refused at run time by {@link DeterminismFunctions}.
 */
final class SqlGuard {
    /** How a permitted statement takes part in batches. */
    enum Kind {
        /** Cannot change the database (SELECT, VALUES, EXPLAIN, allow-listed PRAGMA reads): not logged. */
        READ,
        /** DML (INSERT/REPLACE/UPDATE/DELETE/WITH): logged when it changed at least one row. */
        DML,
        /** Schema changes and other writes: always logged. */
        DDL
    }

    static final Set<String> RESERVED_PREFIXES = Set.of("_cf_", "_duro_", "sqlite_");
    /** sqlite_ names users may read (and, for sqlite_sequence, write as SQLite allows). */
    private static final Set<String> ALLOWED_SQLITE_NAMES = Set.of("sqlite_master", "sqlite_schema", "sqlite_sequence",
            "sqlite_version", "sqlite_source_id", "sqlite_compileoption_get", "sqlite_compileoption_used", "sqlite_offset");
    /** Read-only PRAGMAs (also usable as pragma_* table-valued functions). */
    static final Set<String> PRAGMA_READS = Set.of("table_info", "table_xinfo", "table_list", "index_list", "index_info",
            "index_xinfo", "foreign_key_list", "foreign_key_check", "foreign_keys", "quick_check", "integrity_check",
            "page_count", "page_size", "freelist_count", "schema_version", "user_version", "collation_list");
    /** The read-only PRAGMAs whose "(argument)" names what to read; for the others "PRAGMA x(v)" sets x, as "PRAGMA x = v" does. */
    private static final Set<String> PRAGMA_READS_WITH_ARGUMENT = Set.of("table_info", "table_xinfo", "table_list", "index_list",
            "index_info", "index_xinfo", "foreign_key_list", "foreign_key_check", "quick_check", "integrity_check");
    private static final Set<String> TRANSACTION_WORDS = Set.of("BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE");
    private static final Set<String> TIME_KEYWORDS = Set.of("CURRENT_TIME", "CURRENT_DATE", "CURRENT_TIMESTAMP");
    private static final Set<String> NON_DETERMINISTIC_FUNCTIONS = Set.of("random", "randomblob", "changes",
            "total_changes", "last_insert_rowid");
    /**
     * Keywords after which SQLite reads a string literal as a table/index/view/trigger name
     * ({@code UPDATE OR REPLACE 'x'}, {@code ALTER TABLE t RENAME TO 'x'}, {@code REINDEX 'x'}, {@code expr IN 'x'} included).
     */
    private static final Set<String> NAME_POSITIONS = Set.of("FROM", "JOIN", "INTO", "UPDATE", "TABLE", "EXISTS", "ON",
            "REFERENCES", "VIEW", "INDEX", "TRIGGER", "TO", "REPLACE", "IGNORE", "ROLLBACK", "ABORT", "FAIL", "REINDEX", "IN");
    /** Keywords that end a FROM clause's table list at their parenthesis depth. */
    private static final Set<String> NOT_TABLE_LIST = Set.of("SELECT", "VALUES", "WHERE", "GROUP", "HAVING", "WINDOW", "ORDER",
            "LIMIT", "SET", "RETURNING", "UNION", "INTERSECT", "EXCEPT", "DO");

    private SqlGuard() {
    }

    enum T { WORD, QUOTED, STRING, BLOB, NUMBER, PARAM, PUNCT }

    record Token(T type, String text) {
        String upper() {
            return text.toUpperCase(Locale.ROOT);
        }

        boolean isPunct(String p) {
            return type == T.PUNCT && text.equals(p);
        }

        boolean isWord(String w) {
            return type == T.WORD && text.equalsIgnoreCase(w);
        }

        /** Bare or quoted identifier (a bare word may also be a keyword). */
        boolean isName() {
            return type == T.WORD || type == T.QUOTED;
        }
    }

    /** Checks {@code query}; returns its kind or throws a DuroException saying what is refused. */
    static Kind check(String query) {
        checkUtf8(query);
        List<Token> all = tokenize(query);
        int semi = statementEnd(all);
        List<Token> tokens = semi < 0 ? all : all.subList(0, semi);
        if (semi >= 0) {
            for (Token t : all.subList(semi + 1, all.size())) {
                if (!t.isPunct(";")) {
                    throw new DuroException(ErrorCode.FORBIDDEN_SQL,
                            "exec runs one statement per call; split the text at ';' and call exec for each "
                                    + "(inside transactionSync if they must be atomic)");
                }
            }
        }
        if (tokens.isEmpty()) throw new DuroException(ErrorCode.SQL_ERROR, "the query contains no statement");

        int start = 0;
        boolean explain = false;
        if (tokens.get(0).isWord("EXPLAIN")) {
            explain = true;
            start = 1;
            if (tokens.size() > 2 && tokens.get(1).isWord("QUERY") && tokens.get(2).isWord("PLAN")) start = 3;
            if (start >= tokens.size()) throw new DuroException(ErrorCode.SQL_ERROR, "EXPLAIN of nothing");
        }
        List<Token> stmt = tokens.subList(start, tokens.size());
        checkNames(stmt);
        Kind kind = classify(stmt);
        return explain ? Kind.READ : kind;
    }

    /**
     * The driver encodes the query as UTF-8, where a lone surrogate becomes '?': a parameter to
     * SQLite but a letter of a word to the guard ("SELECT \uD800_duro_x" is "SELECT ? _duro_x").
     */
    private static void checkUtf8(String query) {
        int lone = unpairedSurrogate(query);
        if (lone >= 0) {
            throw new DuroException(ErrorCode.SQL_ERROR, "the query contains an unpaired surrogate at index " + lone
                    + ", so it has no UTF-8 form; use valid Unicode");
        }
    }

    /** The index of the first surrogate in {@code s} that is not half of a pair, or -1 (keys use it too). */
    static int unpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The index of the ';' ending the first statement, or -1. A CREATE TRIGGER body holds
     * statements of its own, so there (as in SQLite's sqlite3_complete) only a ';' right after
     * {@code ; END} ends the statement.
     */
    static int statementEnd(List<Token> tokens) {
        int first = 0;
        if (!tokens.isEmpty() && tokens.get(0).isWord("EXPLAIN")) first = 1;
        boolean trigger = false;
        for (int i = first + 1; i < Math.min(tokens.size(), first + 4); i++) {
            if (tokens.get(first).isWord("CREATE") && tokens.get(i).isWord("TRIGGER")) trigger = true;
        }
        for (int i = 0; i < tokens.size(); i++) {
            if (!tokens.get(i).isPunct(";")) continue;
            if (!trigger || (i >= 2 && tokens.get(i - 1).isWord("END") && tokens.get(i - 2).isPunct(";"))) return i;
        }
        return -1;
    }

    private static Kind classify(List<Token> stmt) {
        Token first = stmt.get(0);
        String w = first.type == T.WORD ? first.upper() : "";
        if (TRANSACTION_WORDS.contains(w)) {
            throw new DuroException(ErrorCode.FORBIDDEN_SQL, w + " is not allowed: wrap the statements in "
                    + "storage.transactionSync(...) instead; writes without an explicit transaction commit as one batch anyway");
        }
        switch (w) {
            case "ATTACH", "DETACH" -> throw new DuroException(ErrorCode.FORBIDDEN_SQL,
                    w + " is not allowed: an object has exactly one database");
            case "VACUUM" -> throw new DuroException(ErrorCode.FORBIDDEN_SQL, "VACUUM is not allowed: the platform manages the database file");
            case "ANALYZE" -> throw new DuroException(ErrorCode.FORBIDDEN_SQL,
                    "ANALYZE is not allowed: it writes sqlite_stat tables the platform does not manage");
            case "PRAGMA" -> {
                return classifyPragma(stmt);
            }
            case "SELECT", "VALUES" -> {
                return Kind.READ;
            }
            case "WITH", "INSERT", "REPLACE", "UPDATE", "DELETE" -> {
                return Kind.DML;
            }
            case "CREATE" -> {
                if (stmt.size() > 1 && (stmt.get(1).isWord("TEMP") || stmt.get(1).isWord("TEMPORARY"))) {
                    throw new DuroException(ErrorCode.FORBIDDEN_SQL,
                            "temporary tables, views and triggers are not allowed: their contents would not survive a restart; use a normal table");
                }
                return Kind.DDL;
            }
            default -> {
                return Kind.DDL;
            }
        }
    }

    private static Kind classifyPragma(List<Token> stmt) {
        int i = 1;
        if (stmt.size() > i + 1 && stmt.get(i + 1).isPunct(".")) {
            if (!unquote(stmt.get(i)).equalsIgnoreCase("main")) {
                throw new DuroException(ErrorCode.FORBIDDEN_SQL, "PRAGMA on schema '" + unquote(stmt.get(i)) + "': only main exists");
            }
            i += 2;
        }
        if (i >= stmt.size() || !stmt.get(i).isName()) throw new DuroException(ErrorCode.SQL_ERROR, "PRAGMA without a name");
        String name = unquote(stmt.get(i)).toLowerCase(Locale.ROOT);
        boolean assigns = stmt.subList(i + 1, stmt.size()).stream().anyMatch(t -> t.isPunct("="))
                || (i + 1 < stmt.size() && !PRAGMA_READS_WITH_ARGUMENT.contains(name));
        if (name.equals("user_version") && assigns) return Kind.DDL;
        if (!PRAGMA_READS.contains(name) || assigns) {
            throw new DuroException(ErrorCode.FORBIDDEN_SQL, "PRAGMA " + name + (assigns ? " = ..." : "")
                    + " is not allowed; allowed: reading " + new java.util.TreeSet<>(PRAGMA_READS) + " and setting user_version");
        }
        return Kind.READ;
    }

    /** Reserved names, the temp schema, pragma_* functions and non-deterministic keywords/functions. */
    private static void checkNames(List<Token> stmt) {
        // Per parenthesis depth: inside a FROM clause's table list, where a string literal after
        // ',' or '(' is a table name ("FROM t, 'x'", "FROM ('x')").
        java.util.ArrayDeque<Boolean> tableList = new java.util.ArrayDeque<>();
        boolean inTableList = false;
        // A virtual table's module arguments may name tables in string literals (FTS5's
        // content='t', fts5vocab('main', 't', ...)): there every string literal counts as a name.
        boolean virtualTable = stmt.size() > 1 && stmt.get(0).isWord("CREATE") && stmt.get(1).isWord("VIRTUAL");
        for (int i = 0; i < stmt.size(); i++) {
            Token t = stmt.get(i);
            Token prev = i > 0 ? stmt.get(i - 1) : null;
            Token next = i + 1 < stmt.size() ? stmt.get(i + 1) : null;
            if (t.isPunct("(")) {
                tableList.push(inTableList);
                inTableList = inTableList && prev != null && (prev.isWord("FROM") || prev.isWord("JOIN") || prev.isPunct(",")
                        || prev.isPunct("("));
            } else if (t.isPunct(")")) {
                inTableList = !tableList.isEmpty() && tableList.pop();
            } else if (t.isWord("FROM") || t.isWord("JOIN")) {
                inTableList = true;
            } else if (t.type == T.WORD && NOT_TABLE_LIST.contains(t.upper())) {
                inTableList = false;
            }
            boolean nameLike = t.isName()
                    || (t.type == T.STRING && (virtualTable
                    || (prev != null && prev.type == T.WORD && NAME_POSITIONS.contains(prev.upper()))
                    || (prev != null && prev.isPunct("."))
                    || (next != null && next.isPunct("."))
                    || (inTableList && prev != null && (prev.isPunct(",") || prev.isPunct("(")))));
            if (!nameLike) continue;
            String name = unquote(t);
            String lower = name.toLowerCase(Locale.ROOT);
            if (next != null && next.isPunct(".") && (lower.equals("temp") || lower.equals("temporary"))) {
                throw new DuroException(ErrorCode.FORBIDDEN_SQL,
                        "the temp schema is not allowed: its contents would not survive a restart; use a normal table");
            }
            for (String p : RESERVED_PREFIXES) {
                if (lower.startsWith(p) && !ALLOWED_SQLITE_NAMES.contains(lower)) {
                    throw new DuroException(ErrorCode.RESERVED_NAME, "'" + name + "': names starting with _cf_, _duro_ or "
                            + "sqlite_ are reserved for the platform; choose another name");
                }
            }
            if (i > 0 && t.isWord("ROLLBACK")) {
                // OR ROLLBACK, ON CONFLICT ROLLBACK, RAISE(ROLLBACK, ...): SQLite would end the whole
                // transaction, the engine's savepoints (and an enclosing transactionSync) included.
                throw new DuroException(ErrorCode.FORBIDDEN_SQL, "the ROLLBACK conflict resolution is not allowed: it would end "
                        + "the transaction the platform manages; use ABORT (the default) and let transactionSync roll back");
            }
            if (t.type == T.WORD && TIME_KEYWORDS.contains(t.upper())) {
                throw new DuroException(ErrorCode.NON_DETERMINISTIC_SQL, t.upper() + " reads the clock, so replaying the "
                        + "log would give a different result; pass the time as a bind parameter instead");
            }
            if (i > 0 && stmt.get(i - 1).isWord("USING") && t.type == T.WORD
                    && (t.upper().equals("FTS3") || t.upper().equals("FTS4"))) {
                // FTS3/4 merge segments at commit by how many the transaction added (automerge), and
                // a live run and a replay commit at different points: use FTS5, which the engine flushes per write.
                throw new DuroException(ErrorCode.NON_DETERMINISTIC_SQL, t.text() + " tables merge their index at commit "
                        + "points that replay cannot reproduce; use fts5 (CREATE VIRTUAL TABLE ... USING fts5(...))");
            }
            if (lower.equals("dbstat") && t.type != T.STRING) {
                // dbstat lists every table's pages, the platform's included (how many KV entries, how big).
                throw new DuroException(ErrorCode.FORBIDDEN_SQL, "dbstat is not allowed: it reads the pages of the platform's "
                        + "tables too; use sql().databaseSize() for the database size");
            }
            boolean call = next != null && next.isPunct("(");
            if (call && lower.equals("optimize")) {
                throw new DuroException(ErrorCode.FORBIDDEN_SQL, "optimize() rewrites an FTS3/FTS4 index from inside a "
                        + "query, a write the platform cannot log; use INSERT INTO f(f) VALUES ('optimize')");
            }
            if (call && NON_DETERMINISTIC_FUNCTIONS.contains(lower)) {
                throw new DuroException(ErrorCode.NON_DETERMINISTIC_SQL, lower + "() " + DeterminismFunctions.WHY.get(lower));
            }
            if (lower.startsWith("pragma_") && !PRAGMA_READS.contains(lower.substring("pragma_".length()))) {
                throw new DuroException(ErrorCode.FORBIDDEN_SQL, "'" + name + "' is not an allowed PRAGMA function; allowed: pragma_ + "
                        + new java.util.TreeSet<>(PRAGMA_READS));
            }
        }
    }

    static String unquote(Token t) {
        String s = t.text;
        return switch (t.type) {
            case QUOTED -> {
                char q = s.charAt(0);
                String body = s.substring(1, s.length() - 1);
                yield q == '[' ? body : body.replace(String.valueOf(q) + q, String.valueOf(q));
            }
            case STRING -> s.substring(1, s.length() - 1).replace("''", "'");
            default -> s;
        };
    }

    /** SQLite's lexical rules, enough to find words, names and punctuation; unterminated literals are SQL errors. */
    static List<Token> tokenize(String sql) {
        List<Token> out = new ArrayList<>();
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == '\uFEFF') {
                // SQLite's tokenizer skips exactly these (a byte order mark only where a token
                // starts; inside a word it is part of it). Other spaces (U+2003, U+3000...) are
                // identifier characters to it: skipping them let "AS \u2003WHERE, '_duro_kv'" end a
                // FROM list for the guard while SQLite read '_duro_kv' as its next table, and
                // keeping a leading BOM in a word hid the name in ",\uFEFF_duro_kv".
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') i++;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2; // SQLite accepts an unterminated comment at the end
            } else if (c == '\'' || c == '"' || c == '`') {
                int end = closing(sql, i, c);
                out.add(new Token(c == '\'' ? T.STRING : T.QUOTED, sql.substring(i, end)));
                i = end;
            } else if (c == '[') {
                int end = sql.indexOf(']', i + 1);
                if (end < 0) throw unterminated("[");
                out.add(new Token(T.QUOTED, sql.substring(i, end + 1)));
                i = end + 1;
            } else if ((c == 'x' || c == 'X') && i + 1 < n && sql.charAt(i + 1) == '\'') {
                int end = closing(sql, i + 1, '\'');
                out.add(new Token(T.BLOB, sql.substring(i, end)));
                i = end;
            } else if (isDigit(c) || (c == '.' && i + 1 < n && isDigit(sql.charAt(i + 1)))) {
                int end = numberEnd(sql, i);
                out.add(new Token(T.NUMBER, sql.substring(i, end)));
                i = end;
            } else if (c == '?') {
                int s = i++;
                while (i < n && sql.charAt(i) >= '0' && sql.charAt(i) <= '9') i++; // ?NNN: digits only, as in SQLite
                out.add(new Token(T.PARAM, sql.substring(s, i)));
            } else if (c == ':' || c == '@' || c == '$' || c == '#') {
                // '#' too: SQLite reads "#name(...)" as a parameter, so a quote in the suffix opens no string.
                int end = namedParameterEnd(sql, i);
                out.add(new Token(T.PARAM, sql.substring(i, end)));
                i = end;
            } else if (isIdentStart(c)) {
                int s = i;
                while (i < n && isIdentPart(sql.charAt(i))) i++;
                out.add(new Token(T.WORD, sql.substring(s, i)));
            } else {
                out.add(new Token(T.PUNCT, String.valueOf(c)));
                i++;
            }
        }
        return out;
    }

    /**
     * The end of a :name, @name, $name or #name parameter, as SQLite's tokenizer finds it: identifier
     * characters, "::" and, after at least one of them, a TCL-style "(...)" suffix without
     * whitespace. Whatever that suffix holds (quotes included) is part of the name.
     */
    private static int namedParameterEnd(String sql, int start) {
        int n = sql.length();
        int i = start + 1;
        int idChars = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (isIdentPart(c)) {
                idChars++;
                i++;
            } else if (c == '(' && idChars > 0) {
                do {
                    i++;
                } while (i < n && !isSqliteSpace(sql.charAt(i)) && sql.charAt(i) != ')');
                if (i >= n || sql.charAt(i) != ')') throw new DuroException(ErrorCode.SQL_ERROR, "unterminated parameter name in the query");
                return i + 1;
            } else if (c == ':' && i + 1 < n && sql.charAt(i + 1) == ':') {
                i += 2;
            } else {
                break;
            }
        }
        if (idChars == 0) throw new DuroException(ErrorCode.SQL_ERROR, "a parameter name is missing after '" + sql.charAt(start) + "'");
        return i;
    }

    /**
     * The end of a numeric literal, by SQLite's rules: a sign joins only a decimal exponent that a
     * digit follows, never a hexadecimal literal (whose last digit may be "e"), so that "0xe--" is a
     * number and a comment, as SQLite reads it. Identifier characters glued to a number make SQLite
     * refuse the statement; they are kept in the token, which cannot then hide anything.
     */
    static int numberEnd(String sql, int start) {
        int n = sql.length();
        int i = start;
        if (sql.charAt(i) == '0' && i + 2 < n && (sql.charAt(i + 1) == 'x' || sql.charAt(i + 1) == 'X')
                && Character.digit(sql.charAt(i + 2), 16) >= 0) {
            i += 2;
            while (i < n && (Character.digit(sql.charAt(i), 16) >= 0 || sql.charAt(i) == '_')) i++;
        } else {
            while (i < n && (isDigit(sql.charAt(i)) || sql.charAt(i) == '_')) i++;
            if (i < n && sql.charAt(i) == '.') {
                i++;
                while (i < n && (isDigit(sql.charAt(i)) || sql.charAt(i) == '_')) i++;
            }
            if (i + 1 < n && (sql.charAt(i) == 'e' || sql.charAt(i) == 'E')) {
                char next = sql.charAt(i + 1);
                if (isDigit(next)) {
                    i += 1;
                } else if ((next == '+' || next == '-') && i + 2 < n && isDigit(sql.charAt(i + 2))) {
                    i += 2;
                }
                while (i < n && (isDigit(sql.charAt(i)) || sql.charAt(i) == '_')) i++;
            }
        }
        while (i < n && (isIdentPart(sql.charAt(i)) || sql.charAt(i) == '.')) i++;
        return i;
    }

    /** ASCII digits only: SQLite's tokenizer does not read other scripts' digits as numbers. */
    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isSqliteSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == 0x0b;
    }

    private static int closing(String sql, int open, char q) {
        int i = open + 1;
        while (true) {
            int end = sql.indexOf(q, i);
            if (end < 0) throw unterminated(String.valueOf(q));
            if (end + 1 < sql.length() && sql.charAt(end + 1) == q) {
                i = end + 2; // doubled quote inside
            } else {
                return end + 1;
            }
        }
    }

    private static boolean isIdentStart(char c) {
        return Character.isLetter(c) || c == '_' || c > 0x7f;
    }

    private static boolean isIdentPart(char c) {
        return isIdentStart(c) || Character.isDigit(c) || c == '$';
    }

    private static DuroException unterminated(String what) {
        return new DuroException(ErrorCode.SQL_ERROR, "unterminated " + what + " in the query");
    }
}
